"""Fairness figures of an outcome, for residents asking whether it was fair to their group.

- voters with at least one funded project they backed, and ballots that funded nothing;
- the average share of each voter's backed money that is funded (cost of the funded projects on
  their ballot over the cost of every project on it), over voters whose ballot names any;
- for approval ballots, whether the outcome satisfies EJR up to one project (cost utilities):
  no group of voters who all back a set T of projects, large enough to pay for T with
  their share of the budget (|group| / n >= cost(T) / budget), has every member short of
  cost(T) even after adding T's dearest unfunded project to what they already got. The search
  over T is exact; it is cut off after a fixed number of sets, and the answer is then "not
  known".

Counts are whole numbers; the average share is a float rounded for people (a figure, not a
decision).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pb.tally.election import Election

#: Sets T the EJR search may look at before it says it does not know.
EJR_SEARCH_LIMIT = 20_000


@dataclass(frozen=True)
class Fairness:
    """The figures for one outcome (``ejr_up_to_one`` is None when not known or not approval)."""

    rule: str
    voters: int
    covered_voters: int
    funded_nothing: int
    average_funded_share: float | None
    ejr_up_to_one: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "voters": self.voters,
            "covered_voters": self.covered_voters,
            "funded_nothing": self.funded_nothing,
            "average_funded_share": self.average_funded_share,
            "ejr_up_to_one": self.ejr_up_to_one,
        }


def fairness(election: Election, rule: str, selected: tuple[str, ...]) -> Fairness:
    """The fairness figures of funding ``selected`` in ``election``."""
    p = election.profile
    index = {pid: i for i, pid in enumerate(election.project_ids)}
    funded = np.zeros(len(election.projects), dtype=bool)
    funded[[index[pid] for pid in selected]] = True
    costs = election.unit_costs.astype(np.float64)
    group = election.entry_group
    backed = np.bincount(group, weights=costs[p.items], minlength=p.num_groups)
    got = np.bincount(group, weights=(costs * funded)[p.items], minlength=p.num_groups)
    counts = p.counts
    covered = int(counts[got > 0].sum())
    named = backed > 0
    voters_named = int(counts[named].sum())
    share = None
    if voters_named:
        share = round(float((counts[named] * got[named] / backed[named]).sum()) / voters_named, 6)
    ejr = _ejr_up_to_one(election, funded) if election.vote_type == "approval" else None
    return Fairness(rule, p.num_voters, covered, p.num_voters - covered, share, ejr)


def _ejr_up_to_one(election: Election, funded: np.ndarray) -> bool | None:
    """True if no group witnesses a violation of EJR up to one; None if the search was cut."""
    p = election.profile
    n = p.num_voters
    budget = int(election.budget * election.scale)
    costs = election.unit_costs.tolist()
    counts = p.counts
    group = election.entry_group
    # What each ballot already got (cost of its funded projects), exactly, in int64.
    got = np.zeros(p.num_groups, dtype=np.int64)
    np.add.at(got, group, (election.unit_costs * funded)[p.items])
    members = {}
    for j in range(len(costs)):
        mask = np.zeros(p.num_groups, dtype=bool)
        mask[group[p.items == j]] = True
        members[j] = mask
    order = sorted(members, key=lambda j: costs[j])
    looked = 0
    # "dearest" is the dearest unfunded project of T (0 while T holds only funded ones).
    stack = [(i, members[j], costs[j], 0 if funded[j] else costs[j]) for i, j in enumerate(order)]
    while stack:
        i, mask, total, dearest = stack.pop()
        looked += 1
        if looked > EJR_SEARCH_LIMIT:
            return None
        size = int(counts[mask].sum())
        if total * n > size * budget:
            continue  # too small a group for T, and for every larger T
        short = mask & (got + dearest < total)
        if int(counts[short].sum()) * budget >= total * n:
            return False
        for k in range(i + 1, len(order)):
            j = order[k]
            both = mask & members[j]
            if both.any():
                extra = 0 if funded[j] else costs[j]
                stack.append((k, both, total + costs[j], max(dearest, extra)))
    return True


def side_by_side(
    election: Election, chosen_rule: str, chosen: tuple[str, ...], seed: str = ""
) -> dict[str, dict[str, Any]]:
    """Figures for the chosen outcome and for the other family of rule (greedy vs equal shares)."""
    from pb.tally.rules import run

    other_rule = "equalshares" if chosen_rule == "greedy" else "greedy"
    other = run(election, other_rule, seed)
    return {
        "chosen": fairness(election, chosen_rule, chosen).to_dict(),
        "other": fairness(election, other_rule, other.selected).to_dict(),
    }
