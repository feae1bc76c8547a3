"""pabutools (the research community's reference library) set up to mean what pb.tally means.

An optional cross-check (`pb verify --with-pabutools`, and the tests): pabutools is not a
dependency of pb, so import this module only where its absence is handled.

Satisfaction is weight x cost (approval 1, rank r of L earns L - r + 1, points as cast) and ties
go to the cheaper project, then the one with more supporters, then the lower
sha256("{seed}:{id}"), exactly as pb.tally's rules state them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pabutools.election import Instance, parse_pabulib
from pabutools.election.ballot import AbstractCardinalBallot, AbstractOrdinalBallot
from pabutools.election.satisfaction import AdditiveSatisfaction, Cardinality_Sat
from pabutools.rules import (
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule


def _weight_times_cost(length: int) -> type[Any]:
    # pabutools has no type hints: its objects are Any here.
    def sat(instance: Any, profile: Any, ballot: Any, project: Any, precomputed: Any) -> Any:
        if isinstance(ballot, AbstractCardinalBallot):
            return ballot.get(project, 0) * project.cost
        if isinstance(ballot, AbstractOrdinalBallot):
            if project not in ballot:
                return 0
            return (length - list(ballot).index(project)) * project.cost
        return project.cost if project in ballot else 0

    class WeightTimesCost(AdditiveSatisfaction):  # type: ignore[misc]  # untyped base class
        def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
            super().__init__(instance, profile, ballot, sat)

    return WeightTimesCost


def pabutools_setup(path: Path, seed: str = "") -> tuple[Any, Any, Any, Any, dict[str, int]]:
    """pabutools' instance, multiprofile, weight x cost satisfaction profile and pb.tally's tie
    order for a pabulib file, plus each project's supporters."""
    instance, profile = parse_pabulib(str(path))
    multiprofile = profile.as_multiprofile()
    length = int(instance.meta.get("max_length", len(instance)))
    sat_profile = multiprofile.as_sat_profile(_weight_times_cost(length))
    supporters = dict.fromkeys((p.name for p in instance), 0)
    for sat in sat_profile:
        for project in instance:
            if sat.sat_project(project) > 0:
                supporters[project.name] += sat_profile.multiplicity(sat)
    order = {
        p.name: (
            p.cost,
            -supporters[p.name],
            hashlib.sha256(f"{seed}:{p.name}".encode()).hexdigest(),
        )
        for p in instance
    }
    ties = TieBreakingRule(lambda inst, prof, project: order[project.name])
    return instance, multiprofile, sat_profile, ties, supporters


def pabutools_outcome(path: Path, rule: str, seed: str = "", add1_step: int = 1) -> list[str]:
    """Project ids pabutools selects, in order, for one of pb.tally's rule names.

    ``add1_step`` is the money per voter each Add1 step adds, in the file's units.
    """
    if rule.endswith("-comparison"):
        return _comparison(path, rule, seed, add1_step)
    instance, multiprofile, sat_profile, ties, supporters = pabutools_setup(path, seed)
    if rule == "greedy":
        # pabutools' greedy also funds projects nobody supports when money is left; ours never
        # does, so they are left out of the instance it sees.
        supported = Instance(
            [p for p in instance if supporters[p.name] > 0], budget_limit=instance.budget_limit
        )
        chosen = greedy_utilitarian_welfare(
            supported,
            multiprofile,
            sat_profile=sat_profile,
            is_sat_additive=True,
            tie_breaking=ties,
        )
    elif rule == "equalshares":
        chosen = method_of_equal_shares(
            instance, multiprofile, sat_profile=sat_profile, tie_breaking=ties
        )
    elif rule == "equalshares/add1":
        chosen = exhaustion_by_budget_increase(
            instance,
            multiprofile,
            method_of_equal_shares,
            {"sat_profile": sat_profile, "tie_breaking": ties},
            budget_step=multiprofile.num_ballots() * add1_step,
            exhaustive_stop=False,
        )
    else:
        raise ValueError(rule)
    return [p.name for p in chosen]


def _comparison(path: Path, rule: str, seed: str, add1_step: int) -> list[str]:
    """pabulib's comparison step on pabutools' outcomes: greedy's replaces Equal Shares' only
    when strictly more voters' ballots name more of its projects (Cardinality_Sat on approval
    ballots; for other ballots, the projects given any rank or points)."""
    w = pabutools_outcome(path, rule.removesuffix("-comparison"), seed, add1_step)
    g = pabutools_outcome(path, "greedy", seed)
    instance, profile = parse_pabulib(str(path))
    by_name = {p.name: p for p in instance}
    multiprofile = profile.as_multiprofile()
    prefer = {"w": 0, "g": 0}
    for ballot in multiprofile:
        if isinstance(ballot, AbstractCardinalBallot):
            named = {p.name for p in ballot if ballot[p] > 0}
            sat_w = sum(1 for pid in w if pid in named)
            sat_g = sum(1 for pid in g if pid in named)
        elif isinstance(ballot, AbstractOrdinalBallot):
            named = {p.name for p in ballot}
            sat_w = sum(1 for pid in w if pid in named)
            sat_g = sum(1 for pid in g if pid in named)
        else:
            sat = Cardinality_Sat(instance, multiprofile, ballot)
            sat_w = sat.sat([by_name[pid] for pid in w])
            sat_g = sat.sat([by_name[pid] for pid in g])
        if sat_w > sat_g:
            prefer["w"] += multiprofile.multiplicity(ballot)
        elif sat_g > sat_w:
            prefer["g"] += multiprofile.multiplicity(ballot)
    return g if prefer["g"] > prefer["w"] else w
