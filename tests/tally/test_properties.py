"""Properties every outcome must have, on elections hypothesis makes up."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pb.tally import Election, run
from tests.tally.reference import naive, weights_of

RULES = ("greedy", "equalshares", "equalshares/add1")


@st.composite
def elections(draw, max_projects=6, max_voters=7, max_cost=30):
    """Small elections with small numbers, so exact ties are everywhere."""
    n = draw(st.integers(1, max_projects))
    ids = [f"p{i}" for i in range(n)]
    costs = {pid: draw(st.integers(1, max_cost)) for pid in ids}
    vote_type = draw(st.sampled_from(["approval", "ordinal", "cumulative"]))
    ballots = []
    for _ in range(draw(st.integers(0, max_voters))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n))
        if vote_type == "approval":
            ballots.append(set(chosen))
        elif vote_type == "ordinal":
            ballots.append(chosen)
        else:
            ballots.append({pid: draw(st.integers(0, 3)) for pid in chosen})
    budget = draw(st.integers(0, max_cost * n))
    return costs, budget, ballots, vote_type


SEEDS = st.sampled_from(["", "a", "pot-7"])


@settings(max_examples=250, deadline=None)
@given(elections(), st.sampled_from(RULES), SEEDS)
def test_outcome_matches_a_naive_exact_tally(data, rule, seed):
    costs, budget, ballots, vote_type = data
    outcome = run(Election.from_ballots(costs, budget, ballots, vote_type), rule, seed)
    weights = [weights_of(b, vote_type, len(costs)) for b in ballots]
    expected, k = naive(costs, budget, weights, rule, seed)
    assert list(outcome.selected) == expected
    assert outcome.add1_steps == k


@settings(max_examples=25, deadline=None)
@given(elections(max_projects=12, max_voters=120, max_cost=10**6), SEEDS)
def test_equal_shares_matches_naive_tally_on_bigger_numbers(data, seed):
    costs, budget, ballots, vote_type = data
    budget *= 3  # room for several projects
    outcome = run(Election.from_ballots(costs, budget, ballots, vote_type), "equalshares", seed)
    weights = [weights_of(b, vote_type, len(costs)) for b in ballots]
    assert list(outcome.selected) == naive(costs, budget, weights, "equalshares", seed)[0]


@settings(max_examples=150, deadline=None)
@given(elections(), st.sampled_from(RULES))
def test_never_over_budget(data, rule):
    costs, budget, ballots, vote_type = data
    outcome = run(Election.from_ballots(costs, budget, ballots, vote_type), rule)
    assert outcome.total_cost == sum(costs[p] for p in outcome.selected)
    assert outcome.total_cost <= budget
    assert len(set(outcome.selected)) == len(outcome.selected)
    for result in outcome.projects:
        assert result.selected == (result.project_id in outcome.selected)
        assert (result.reason is None) == result.selected
        if result.supporters == 0:
            assert not result.selected


@settings(max_examples=150, deadline=None)
@given(elections())
def test_greedy_leaves_no_supported_project_that_fits(data):
    costs, budget, ballots, vote_type = data
    outcome = run(Election.from_ballots(costs, budget, ballots, vote_type), "greedy")
    left = budget - outcome.total_cost
    for result in outcome.projects:
        if not result.selected and result.supporters > 0:
            assert result.cost > left


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.sampled_from(RULES), st.randoms(use_true_random=False))
def test_outcome_does_not_depend_on_ballot_order(data, rule, rnd: random.Random):
    costs, budget, ballots, vote_type = data
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    first = run(Election.from_ballots(costs, budget, ballots, vote_type), rule, "s")
    second = run(Election.from_ballots(costs, budget, shuffled, vote_type), rule, "s")
    assert first.to_dict() == second.to_dict()
