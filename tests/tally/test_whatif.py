"""What it would take, checked against counting again at every cost and every number of extra
supporters (small random elections), and on real files."""

import random

import pytest

from pb.tally import Election, pabulib, run
from pb.tally.whatif import SCAN_LIMIT, _with_extra, what_it_would_take
from tests.tally.conftest import pabulib_path


def _random(rng, vote_type="approval"):
    projects = {f"p{i}": rng.randint(1, 30) for i in range(rng.randint(2, 6))}
    ids = sorted(projects)
    ballots = []
    for _ in range(rng.randint(2, 12)):
        chosen = rng.sample(ids, rng.randint(1, len(ids)))
        ballots.append(
            {x: rng.randint(1, 3) for x in chosen} if vote_type == "cumulative" else set(chosen)
        )
    return Election.from_ballots(projects, rng.randint(10, 60), ballots, vote_type)


def _with_cost(election, pid, cost):
    projects = dict(election.projects)
    projects[pid] = cost
    return Election(projects, election.budget, election.vote_type, election.profile)


def _brute(election, rule, pid):
    index = election.project_ids.index(pid)
    costs = [c for c in range(1, int(election.projects[pid]) + 1)]
    funded = [c for c in costs if pid in run(_with_cost(election, pid, c), rule).selected]
    extra = next(
        (
            k
            for k in range(1, SCAN_LIMIT + 1)
            if pid in run(_with_extra(election, index, k), rule).selected
        ),
        None,
    )
    return (max(funded) if funded else None), funded, extra


@pytest.mark.parametrize("rule", ["greedy", "equalshares"])
def test_figures_equal_counting_again_at_every_cost_and_every_extra_supporter(rule):
    rng = random.Random(2024 if rule == "greedy" else 11)
    checked = 0
    for _ in range(40):
        election = _random(rng)
        outcome = run(election, rule)
        for figure in what_it_would_take(election, outcome, rule):
            best, funded, extra = _brute(election, rule, figure.project_id)
            assert figure.max_cost == best, (rule, figure)
            assert figure.max_cost_exact
            # The costs at which it is funded are all those up to the highest.
            assert funded == list(range(1, best + 1)) if best else funded == []
            assert figure.extra_supporters == extra, (rule, figure)
            checked += 1
    assert checked > 20


def test_a_real_election_greedy():
    election = pabulib.load(pabulib_path("poland_warszawa_2018_falenica.pb"))
    outcome = run(election, "greedy")
    figures = what_it_would_take(election, outcome, "greedy")
    assert len(figures) == sum(1 for p in outcome.projects if not p.selected and p.supporters)
    for figure in figures[:5]:
        if figure.max_cost is not None:
            cheaper = _with_cost(election, figure.project_id, figure.max_cost)
            dearer = _with_cost(election, figure.project_id, figure.max_cost + 1)
            assert figure.project_id in run(cheaper, "greedy").selected
            assert figure.project_id not in run(dearer, "greedy").selected
        if figure.extra_supporters is not None:
            index = election.project_ids.index(figure.project_id)
            k = figure.extra_supporters
            assert figure.project_id in run(_with_extra(election, index, k), "greedy").selected
            assert (
                figure.project_id not in run(_with_extra(election, index, k - 1), "greedy").selected
            )
