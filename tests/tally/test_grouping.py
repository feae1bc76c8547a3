"""Identical ballots are counted once with their multiplicity, and different ones never merged."""

import numpy as np
import pytest

from pb.tally import Election, grouping, run

COSTS = {"a": 3, "b": 4, "c": 5}


def test_identical_ballots_are_grouped_whatever_their_order():
    ballots = [{"a", "b"}, {"c"}, {"b", "a"}, set(), {"a", "b"}, {"c"}]
    profile = Election.from_ballots(COSTS, 10, ballots).profile
    assert profile.num_voters == 6
    assert sorted(count for _, count in profile.rows()) == [1, 2, 3]


def test_rankings_in_a_different_order_are_different_ballots():
    profile = Election.from_ballots(COSTS, 10, [["a", "b"], ["b", "a"]]).profile
    assert profile.num_groups == 2


def test_arrays_are_grouped_with_counts_and_zero_weights_dropped():
    # rows: {a:1,b:1} x2, {b:1,a:1} x1 (same), {c:2, a:0} (= {c:2}) x4, {c:2} x1
    indptr = np.array([0, 2, 4, 6, 7])
    items = np.array([0, 1, 1, 0, 2, 0, 2])
    weights = np.array([1, 1, 1, 1, 2, 0, 2])
    counts = np.array([2, 1, 4, 1])
    election = Election.from_arrays(COSTS, 10, indptr, items, weights, counts, "cumulative")
    rows = sorted((sorted(r.items()), n) for r, n in election.profile.rows())
    assert rows == [([(0, 1), (1, 1)], 3), ([(2, 2)], 5)]


def test_a_hash_collision_never_merges_different_ballots(monkeypatch):
    # Make every ballot hash alike: grouping must notice and fall back to comparing rows.
    monkeypatch.setattr(
        grouping,
        "_row_hashes",
        lambda items, w, s, lengths: np.zeros_like(lengths, dtype=np.uint64),
    )
    indptr = np.array([0, 1, 2, 3, 5])
    items = np.array([0, 1, 0, 1, 2])
    election = Election.from_arrays(COSTS, 7, indptr, items)
    rows = sorted((sorted(r), n) for r, n in election.profile.rows())
    assert rows == [([0], 2), ([1], 1), ([1, 2], 1)]
    assert run(election, "greedy").selected == ("a", "b")


def test_a_ballot_naming_a_project_twice_is_refused():
    with pytest.raises(ValueError, match="ballot 2 names a project twice"):
        Election.from_arrays(COSTS, 7, np.array([0, 1, 3]), np.array([0, 1, 1]))


def test_project_index_out_of_range_is_refused():
    with pytest.raises(ValueError, match="outside the election"):
        Election.from_arrays(COSTS, 7, np.array([0, 1]), np.array([3]))
