"""Small cases worked out by hand: every explanation, every tie step, add1's stopping rule."""

import hashlib
import json
from fractions import Fraction

import pytest

from pb.tally import BallotError, Election, run


def lottery(seed: str, *ids: str) -> list[str]:
    """The spec's lottery order, written out: ascending sha256 of "{seed}:{id}" in hex."""
    return sorted(ids, key=lambda pid: hashlib.sha256(f"{seed}:{pid}".encode()).hexdigest())


# --- greedy ---------------------------------------------------------------------------------


def test_greedy_funds_down_the_ranking_and_says_why_a_project_did_not_fit():
    # Votes: A 3, B 2, C 1. A (40,000) fits; B (45,000) needs more than the 10,000 left;
    # C (10,000) then fits exactly.
    election = Election.from_ballots(
        {"A": 40_000, "B": 45_000, "C": 10_000, "D": 5_000},
        50_000,
        [{"A", "B"}, {"A", "B"}, {"A", "C"}],
    )
    outcome = run(election, "greedy")
    assert outcome.selected == ("A", "C")
    assert outcome.total_cost == 50_000
    b = outcome.project("B")
    assert not b.selected and b.round is None
    assert b.reason == "did not fit: 10,000 left, needed 45,000"
    assert b.remaining_budget == 10_000
    assert (b.supporters, b.score) == (2, 2)
    assert outcome.project("C").round == 2
    assert outcome.project("D").reason == "no supporters"
    assert outcome.covered_voters == 3 and outcome.covered_share == 1


def test_greedy_skips_and_goes_on():
    # B does not fit after A, but C and then D still do.
    election = Election.from_ballots(
        {"A": 60, "B": 50, "C": 30, "D": 10},
        100,
        [{"A", "B", "C", "D"}] * 4 + [{"A", "B", "C"}] * 3 + [{"A", "B"}] * 2 + [{"A"}],
    )
    outcome = run(election, "greedy")
    assert outcome.selected == ("A", "C", "D")
    assert outcome.project("B").reason == "did not fit: 40 left, needed 50"


def test_greedy_ties_go_to_the_cheaper_project():
    election = Election.from_ballots({"dear": 70, "cheap": 60}, 100, [{"dear", "cheap"}])
    assert run(election, "greedy").selected == ("cheap",)


def test_greedy_ties_of_score_and_cost_go_to_more_supporters():
    # Both score 2 points; "pair" has two supporters, "solo" one.
    election = Election.from_ballots(
        {"solo": 60, "pair": 60}, 100, [{"solo": 2}, {"pair": 1}, {"pair": 1}], "cumulative"
    )
    outcome = run(election, "greedy")
    assert outcome.selected == ("pair",)
    assert outcome.project("solo").supporters == 1
    assert outcome.project("pair").supporters == 2


@pytest.mark.parametrize("seed", ["", "pot-7", "2024-05-01"])
def test_greedy_full_ties_follow_the_published_lottery(seed):
    election = Election.from_ballots({"x": 60, "y": 60, "z": 60}, 100, [{"x", "y", "z"}])
    assert run(election, "greedy", seed).selected == (lottery(seed, "x", "y", "z")[0],)


def test_the_lottery_depends_on_the_seed():
    winners = {
        run(Election.from_ballots({"x": 60, "y": 60}, 100, [{"x", "y"}]), "greedy", s).selected
        for s in ("a", "b", "c", "d", "e", "f")
    }
    assert winners == {("x",), ("y",)}


# --- equal shares ---------------------------------------------------------------------------


def test_equal_shares_worked_example():
    # 4 voters, budget 400: each starts with 100.
    # X (200) backed by v1 v2 v3: each pays 200/3, rho = 1/3.  Z (100) by v1 v4: rho = 1/2.
    # Y (150) by v4 alone: 100 < 150, unaffordable.  Round 1: X.
    # Round 2: Z: v1 has only 100/3, pays it all; v4 pays 200/3; rho = (200/3)/100 = 2/3.
    # Y: v4 has 100/3 left of the 150 it costs. At round 2's rho v4 would have paid
    # min(100, 2/3 * 150) = 100, i.e. 66.6% of Y's cost: its effective support.
    election = Election.from_ballots(
        {"X": 200, "Y": 150, "Z": 100, "W": 50},
        400,
        [{"X", "Z"}, {"X"}, {"X"}, {"Y", "Z"}],
    )
    outcome = run(election, "equalshares")
    assert outcome.selected == ("X", "Z")
    assert outcome.total_cost == 300
    assert outcome.endowment == 100
    assert [outcome.project(p).round for p in "XZ"] == [1, 2]
    y = outcome.project("Y")
    assert y.supporters_money == Fraction(3333, 100)  # 100/3, rounded down to cents
    assert y.effective_support == 66.6
    assert y.reason == "its supporters had 33.33 of the 150 it costs (effective support 66.6%)"
    assert outcome.project("W").reason == "no supporters"
    assert outcome.covered_voters == 4


def test_equal_shares_reason_uses_whole_numbers_when_money_is_whole():
    # 2 voters with 20,000 each; P (40,000) backed by one: "had 20,000 of the 40,000".
    election = Election.from_ballots({"P": 40_000, "Q": 8_000}, 40_000, [{"P"}, {"Q"}])
    outcome = run(election, "equalshares")
    assert outcome.selected == ("Q",)
    assert outcome.project("P").reason == (
        "its supporters had 20,000 of the 40,000 it costs (effective support 50.0%)"
    )


def test_equal_shares_ties_go_to_the_cheaper_project():
    # Nobody runs short, so rho = 1 / (number of backers): 1/2 for both. B is cheaper.
    election = Election.from_ballots({"A": 120, "B": 80}, 400, [{"A"}, {"A"}, {"B"}, {"B"}])
    outcome = run(election, "equalshares")
    assert outcome.selected == ("B", "A")


def test_equal_shares_ties_of_rho_and_cost_go_to_more_supporters():
    # Points: "solo" gets 2 from v1, "pair" 1 from v2 and 1 from v3; 3 voters with 100 each.
    # solo: v1 pays 100 = all; rho = 100 / (2 * 100) = 1/2.  pair: 50 each, rho = 1/2.
    election = Election.from_ballots(
        {"solo": 100, "pair": 100}, 300, [{"solo": 2}, {"pair": 1}, {"pair": 1}], "cumulative"
    )
    assert run(election, "equalshares").selected == ("pair", "solo")


@pytest.mark.parametrize("seed", ["", "pot-7", "2024-05-01", "x"])
def test_equal_shares_full_ties_follow_the_lottery(seed):
    # Three equal projects, one voter each; only two can be paid for by 2 of the 3 voters...
    # every voter has 50 and every project costs 50 with one backer: all rho = 1/1.
    election = Election.from_ballots({"x": 50, "y": 50, "z": 50}, 150, [{"x"}, {"y"}, {"z"}])
    assert run(election, "equalshares", seed).selected == tuple(lottery(seed, "x", "y", "z"))


def test_equal_shares_tie_after_money_has_been_spent():
    # Round 1: "big" (90) backed by all three (30 each, rho 1/3). Each voter keeps 10.
    # Then "p" (20) backed by v1 v2 and "q" (20) backed by v2 v3: both rho = 1/2, both cost
    # 20 with 2 supporters: the lottery decides, and the loser cannot be paid for (v2 spent).
    election = Election.from_ballots(
        {"big": 90, "p": 20, "q": 20}, 120, [{"big", "p"}, {"big", "p", "q"}, {"big", "q"}]
    )
    for seed in ("", "a", "b", "c"):
        first = lottery(seed, "p", "q")[0]
        outcome = run(election, "equalshares", seed)
        assert outcome.selected == ("big", first)
        other = "q" if first == "p" else "p"
        assert outcome.project(other).reason == (
            "its supporters had 10 of the 20 it costs (effective support 100.0%)"
        )


def test_add1_raises_the_endowment_until_the_next_step_would_overspend():
    # Budget 100, 2 voters, so 50 each. A (60) backed by both; B (40) by v1; C (30) by v2.
    # With e each: A first (rho 1/2), leaving e - 30 each; C needs e - 30 >= 30, B e - 30 >= 40.
    # e = 50..59: {A} costs 60.  e = 60..69: {A, C} costs 90 (and is exhaustive: 10 left).
    # e = 70: C and B tie at rho 1, C is cheaper, then B: 130 > 100. So k = 69 - 50 = 19.
    election = Election.from_ballots({"A": 60, "B": 40, "C": 30}, 100, [{"A", "B"}, {"A", "C"}])
    assert run(election, "equalshares").selected == ("A",)
    outcome = run(election, "equalshares/add1")
    assert outcome.selected == ("A", "C")
    assert outcome.add1_steps == 19  # not 10: no early stop at the first exhaustive outcome
    assert outcome.endowment == 69
    assert outcome.project("B").reason == (
        "its supporters had 39 of the 40 it costs (effective support 97.5%)"
    )


def test_add1_when_everything_fits():
    # Every supported project fits in the budget: no endowment overspends, the outcome is
    # the one reached once each voter can afford everything (here 3 + 4 = 7 >= 2 + 5).
    election = Election.from_ballots({"a": 3, "b": 4, "c": 9}, 10, [{"a", "b"}] * 5)
    outcome = run(election, "equalshares/add1")
    assert outcome.selected == ("a", "b")
    assert outcome.endowment == 7
    assert outcome.add1_steps == 5


def test_ordinal_weights_follow_rank():
    # max_length 3: first 3 points, second 2, third 1.  Totals: p 3+3 = 6, q 2+1 = 3, r 1+2 = 3.
    # q and r tie on 3 points: q is cheaper.
    election = Election.from_ballots(
        {"p": 5, "q": 4, "r": 6}, 9, [["p", "q", "r"], ["p", "r", "q"]], max_length=3
    )
    outcome = run(election, "greedy")
    assert [outcome.project(x).score for x in "pqr"] == [6, 3, 3]
    assert outcome.selected == ("p", "q")


def test_outcome_json_is_complete_and_ordered():
    election = Election.from_ballots(
        {"A": 40_000, "B": 45_000, "C": 10_000}, 50_000, [{"A", "B"}, {"A", "B"}, {"A", "C"}]
    )
    data = json.loads(json.dumps(run(election, "greedy", "s").to_dict()))
    assert data["selected"] == ["A", "C"]
    assert data["total_cost"] == 50_000 and data["budget"] == 50_000
    assert (data["rule"], data["seed"]) == ("greedy", "s")
    by_id = {p["project_id"]: p for p in data["projects"]}
    assert by_id["B"]["reason"] == "did not fit: 10,000 left, needed 45,000"
    assert by_id["A"]["round"] == 1 and by_id["A"]["selected"] is True


def test_decimal_costs_keep_their_units():
    election = Election.from_ballots(
        {"a": Fraction("12.5"), "b": Fraction("7.25")}, Fraction("15.5"), [{"a", "b"}, {"a"}]
    )
    outcome = run(election, "greedy")
    assert outcome.selected == ("a",)
    assert outcome.project("b").reason == "did not fit: 3 left, needed 7.25"
    assert outcome.to_dict()["total_cost"] == "12.5"


@pytest.mark.parametrize(
    ("ballots", "vote_type", "problem"),
    [
        ([{"nope"}], "approval", "unknown project 'nope'"),
        ([["a", "a"]], "ordinal", "names project 'a' twice"),
        ([{"a": -1}], "cumulative", "whole number"),
        ([["a", "b", "c"]], "ordinal", "at most 2 count"),
    ],
)
def test_bad_ballots_are_refused_with_their_position(ballots, vote_type, problem):
    with pytest.raises(BallotError, match=problem) as info:
        Election.from_ballots({"a": 1, "b": 1, "c": 1}, 2, ballots, vote_type, max_length=2)
    assert str(info.value).startswith("ballot 1:")


@pytest.mark.parametrize("cost", [0, -5])
def test_costs_must_be_positive(cost):
    with pytest.raises(ValueError, match="positive"):
        Election.from_ballots({"a": cost}, 10, [])


def test_unknown_rule():
    with pytest.raises(ValueError, match="unknown rule"):
        run(Election.from_ballots({"a": 1}, 1, [{"a"}]), "borda")
