"""The greedy rule: fund the most-voted projects that still fit, in order."""

from __future__ import annotations

from fractions import Fraction

from pb.tally.election import Election, as_money, covered_voters
from pb.tally.outcome import Outcome, ProjectResult, format_money
from pb.tally.ties import tie_ranks


def greedy(election: Election, seed: str = "") -> Outcome:
    """Rank projects by total weight (ties: cheaper, more supporters, lottery) and walk down.

    Each project that still fits in what is left of the budget is funded; one that does not
    fit is skipped and the walk goes on. Projects nobody supports are never funded.
    """
    scale = election.scale
    costs = election.unit_costs.tolist()
    scores = election.scores.tolist()
    supporters = election.supporters.tolist()
    ranks = tie_ranks(election, seed).tolist()
    remaining = Fraction(election.budget) * scale
    ranking = sorted(
        (i for i in range(len(costs)) if supporters[i] > 0), key=lambda i: (-scores[i], ranks[i])
    )
    chosen: list[int] = []
    left_when_skipped: dict[int, Fraction] = {}
    for i in ranking:
        if costs[i] <= remaining:
            chosen.append(i)
            remaining -= costs[i]
        else:
            left_when_skipped[i] = remaining

    round_of = {i: r for r, i in enumerate(chosen, start=1)}
    results = []
    for i, pid in enumerate(election.project_ids):
        reason = None
        left = None
        if i in left_when_skipped:
            left = as_money(left_when_skipped[i], scale)
            reason = (
                f"did not fit: {format_money(left)} left, "
                f"needed {format_money(as_money(costs[i], scale))}"
            )
        elif i not in round_of:
            reason = "no supporters"
        results.append(
            ProjectResult(
                project_id=pid,
                cost=election.projects[pid],
                supporters=supporters[i],
                score=scores[i],
                selected=i in round_of,
                round=round_of.get(i),
                reason=reason,
                remaining_budget=left,
            )
        )
    return Outcome(
        rule="greedy",
        seed=seed,
        budget=election.budget,
        selected=tuple(election.project_ids[i] for i in chosen),
        total_cost=as_money(sum(costs[i] for i in chosen), scale),
        voters=election.profile.num_voters,
        covered_voters=covered_voters(election, chosen),
        projects=tuple(results),
    )
