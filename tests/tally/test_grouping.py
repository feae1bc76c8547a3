"""Identical ballots are counted once with their multiplicity, and different ones never merged."""

from pb.tally import Election

COSTS = {"a": 3, "b": 4, "c": 5}


def test_identical_ballots_are_grouped_whatever_their_order():
    ballots = [{"a", "b"}, {"c"}, {"b", "a"}, set(), {"a", "b"}, {"c"}]
    profile = Election.from_ballots(COSTS, 10, ballots).profile
    assert profile.num_voters == 6
    assert sorted(count for _, count in profile.rows()) == [1, 2, 3]


def test_rankings_in_a_different_order_are_different_ballots():
    profile = Election.from_ballots(COSTS, 10, [["a", "b"], ["b", "a"]]).profile
    assert profile.num_groups == 2
