"""Fairness figures, cross-checked against pabutools' analysis functions."""

import itertools
import random

import pytest
from pabutools.analysis.justifiedrepresentation import is_EJR_one_approval
from pabutools.analysis.votersatisfaction import avg_satisfaction, percent_non_empty_handed
from pabutools.election import (
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalProfile,
    CardinalBallot,
    Cost_Sat,
    Instance,
    Project,
    parse_pabulib,
)
from pabutools.fractions import frac

from pb.tally import Election, pabulib, run
from pb.tally.fairness import fairness, side_by_side
from tests.tally.conftest import pabulib_path


def _share_sat(instance, profile, ballot, project, precomputed):
    total = sum(p.cost for p in ballot)
    return frac(project.cost, total) if project in ballot and total else 0


class ShareSat(AdditiveSatisfaction):
    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot, _share_sat)


@pytest.mark.parametrize(
    "name",
    [
        "poland_warszawa_2018_falenica.pb",
        "poland_gdynia_2020_witomino-small.pb",
        "poland_gdansk_2020_matarnia.pb",
        "poland_krakow_2018_bienczyce.pb",
    ],
)
@pytest.mark.parametrize("rule", ["greedy", "equalshares"])
def test_covered_and_average_share_agree_with_pabutools(name, rule):
    path = pabulib_path(name)
    election = pabulib.load(path)
    outcome = run(election, rule)
    ours = fairness(election, rule, outcome.selected)
    instance, profile = parse_pabulib(str(path))
    chosen = [p for p in instance if p.name in outcome.selected]
    if election.vote_type == "approval":
        covered = round(percent_non_empty_handed(instance, profile, chosen) * len(profile))
    else:  # pabutools' CC satisfaction counts points there; count the ballots themselves
        names = set(outcome.selected)
        covered = sum(
            1
            for b in profile
            if any(p.name in names and (not isinstance(b, CardinalBallot) or b[p] > 0) for p in b)
        )
    assert ours.covered_voters == covered
    assert ours.funded_nothing == ours.voters - ours.covered_voters
    if election.vote_type == "approval":
        expected = avg_satisfaction(instance, profile, chosen, ShareSat)
        assert ours.average_funded_share == pytest.approx(float(expected), abs=1e-6)


def _random_election(rng):
    projects = {f"p{i}": rng.choice([1, 2, 3, 4, 5]) for i in range(rng.randint(2, 5))}
    ballots = [
        set(rng.sample(sorted(projects), rng.randint(1, len(projects))))
        for _ in range(rng.randint(2, 7))
    ]
    return Election.from_ballots(projects, rng.randint(3, 10), ballots, "approval"), ballots


def test_ejr_up_to_one_agrees_with_pabutools_on_small_elections():
    rng = random.Random(13)
    seen = {True: 0, False: 0}
    for _ in range(120):
        election, ballots = _random_election(rng)
        ids = election.project_ids
        subsets = [s for r in range(len(ids) + 1) for s in itertools.combinations(ids, r)]
        chosen = rng.choice(subsets)
        instance = Instance(
            [Project(pid, int(c)) for pid, c in election.projects.items()],
            budget_limit=election.budget,
        )
        by_name = {p.name: p for p in instance}
        profile = ApprovalProfile([ApprovalBallot(by_name[x] for x in b) for b in ballots])
        expected = is_EJR_one_approval(instance, profile, Cost_Sat, [by_name[x] for x in chosen])
        assert fairness(election, "any", chosen).ejr_up_to_one == expected, (ballots, chosen)
        seen[expected] += 1
    assert seen[True] and seen[False]  # both answers were exercised


def test_side_by_side_names_both_rules():
    election = pabulib.load(pabulib_path("poland_wieliczka_2023.pb"))
    outcome = run(election, "equalshares/add1")
    figures = side_by_side(election, outcome.rule, outcome.selected)
    assert figures["chosen"]["rule"] == "equalshares/add1"
    assert figures["other"]["rule"] == "greedy"
    assert figures["chosen"]["covered_voters"] == outcome.covered_voters
    assert figures["other"]["covered_voters"] == run(election, "greedy").covered_voters


def test_no_ejr_figure_for_points_ballots():
    election = pabulib.load(pabulib_path("poland_gdansk_2020_matarnia.pb"))
    assert fairness(election, "greedy", run(election, "greedy").selected).ejr_up_to_one is None
