"""The three ballot methods' rules, as every path (online, paper) applies them."""

from types import SimpleNamespace

import pytest

from pb.voting.ballots import BallotError, check, instructions

PROPOSALS = [
    SimpleNamespace(id=i, cost=c, title=f"P{i}") for i, c in [(1, 300), (2, 500), (3, 400)]
]


def pot(method="approval", **settings):
    base = dict(
        ballot_method=method,
        min_picks=1,
        max_picks=None,
        spending_cap=None,
        points_total=None,
        points_max=None,
        currency="GBP",
    )
    base.update(settings)
    return SimpleNamespace(**base)


def test_approval_is_sorted_and_limited():
    assert check(pot(max_picks=2), PROPOSALS, ["3", "1"]) == [1, 3]
    with pytest.raises(BallotError, match="no more than 2 projects"):
        check(pot(max_picks=2), PROPOSALS, ["1", "2", "3"])
    with pytest.raises(BallotError, match="at least 2 projects"):
        check(pot(min_picks=2), PROPOSALS, ["1"])
    with pytest.raises(BallotError, match="only once"):
        check(pot(), PROPOSALS, ["1", "1"])
    with pytest.raises(BallotError, match="on this ballot"):
        check(pot(), PROPOSALS, ["9"])
    with pytest.raises(BallotError, match="whole number"):
        check(pot(), PROPOSALS, ["x"])


def test_approval_spending_cap_is_a_knapsack():
    capped = pot(spending_cap=800)
    assert check(capped, PROPOSALS, ["1", "2"]) == [1, 2]  # exactly 800
    with pytest.raises(BallotError, match=r"cost £9, more than the £8 you can spend"):
        check(capped, PROPOSALS, ["2", "3"])


def test_ranked_needs_unique_consecutive_ranks():
    ranked = pot("ranked", min_picks=1, max_picks=2)
    assert check(ranked, PROPOSALS, {1: "2", 3: "1", 2: ""}) == [3, 1]
    with pytest.raises(BallotError, match="one project only"):
        check(ranked, PROPOSALS, {1: "1", 3: "1"})
    with pytest.raises(BallotError, match="without gaps"):
        check(ranked, PROPOSALS, {1: "1", 3: "3"})
    with pytest.raises(BallotError, match="no more than 2"):
        check(ranked, PROPOSALS, {1: "1", 2: "2", 3: "3"})
    with pytest.raises(BallotError, match="at least 1"):
        check(ranked, PROPOSALS, {1: "", 2: ""})


def test_points_within_limits():
    points = pot("points", points_total=5, points_max=3)
    assert check(points, PROPOSALS, {1: "3", 2: "", 3: "2"}) == [[1, 3], [3, 2]]
    with pytest.raises(BallotError, match="at most 3 points to one project"):
        check(points, PROPOSALS, {1: "4"})
    with pytest.raises(BallotError, match="given 6 points; you have 5"):
        check(points, PROPOSALS, {1: "3", 2: "3"})
    with pytest.raises(BallotError, match="cannot be negative"):
        check(points, PROPOSALS, {1: "-1", 2: "3"})
    with pytest.raises(BallotError, match="at least one point"):
        check(points, PROPOSALS, {1: "0"})


def test_canonical_ballots_check_again_unchanged():
    """A stored ballot re-checks to itself (paper entries are compared in this form)."""
    for p, raw in [
        (pot(max_picks=2), [1, 3]),
        (pot("ranked", max_picks=3), [3, 1]),
        (pot("points", points_total=5), [[1, 3], [3, 2]]),
    ]:
        assert check(p, PROPOSALS, raw) == raw


def test_instructions_say_what_to_do():
    assert instructions(pot(max_picks=3)) == "Tick between 1 and 3 projects."
    assert "£8" in instructions(pot(max_picks=3, spending_cap=800))
    assert instructions(pot("ranked", min_picks=3, max_picks=3)).startswith(
        "Number 3 projects in order of preference"
    )
    assert instructions(pot("points", points_total=10, points_max=4)) == (
        "Spread up to 10 points over the projects, at most 4 on one project."
    )
