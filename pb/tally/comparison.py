"""The comparison step: Equal Shares (or Add1) against greedy, decided by the voters' ballots.

As pabulib lists it for Wieliczka and Świecie (rules ``equalshares-comparison`` and
``equalshares/add1-comparison``, "satisfaction" mode): W is the Equal Shares outcome, G the
greedy one. A voter prefers the outcome that funds more of the projects on their ballot (for
ranked and points ballots: the projects they gave any rank or points). G replaces W only when
strictly more voters prefer G than prefer W; a tie keeps W. Every count is a whole number of
voters, so the decision is exact.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pb.tally.election import Election, Money
from pb.tally.equalshares import equal_shares, equal_shares_add1
from pb.tally.greedy import greedy
from pb.tally.outcome import Comparison, Outcome


def funded_on_ballot(election: Election, selected: tuple[str, ...]) -> np.ndarray:
    """Per ballot group, how many of ``selected`` its ballot names."""
    index = {pid: i for i, pid in enumerate(election.project_ids)}
    funded = np.zeros(len(election.projects), dtype=np.int64)
    funded[[index[pid] for pid in selected]] = 1
    p = election.profile
    return np.bincount(election.entry_group, weights=funded[p.items], minlength=p.num_groups)


def compare(election: Election, rule: str, mes: Outcome, seed: str) -> Outcome:
    """The outcome the comparison step chooses between ``mes`` and greedy, with the vote."""
    other = greedy(election, seed)
    w = funded_on_ballot(election, mes.selected)
    g = funded_on_ballot(election, other.selected)
    counts = election.profile.counts
    prefer_w, prefer_g = int(counts[w > g].sum()), int(counts[g > w].sum())
    chosen = other if prefer_g > prefer_w else mes
    vote = Comparison(
        equal_shares_rule=mes.rule,
        equal_shares_selected=mes.selected,
        equal_shares_cost=mes.total_cost,
        greedy_selected=other.selected,
        greedy_cost=other.total_cost,
        prefer_equal_shares=prefer_w,
        prefer_greedy=prefer_g,
        indifferent=election.profile.num_voters - prefer_w - prefer_g,
        chosen="greedy" if chosen is other else "equalshares",
        add1_step=mes.add1_step,
        add1_steps=mes.add1_steps,
    )
    return replace(chosen, rule=rule, comparison=vote)


def equal_shares_comparison(election: Election, seed: str = "") -> Outcome:
    """Equal Shares, replaced by greedy when strictly more voters prefer greedy's outcome."""
    return compare(election, "equalshares-comparison", equal_shares(election, seed), seed)


def equal_shares_add1_comparison(
    election: Election, seed: str = "", step: Money | None = None
) -> Outcome:
    """Equal Shares with Add1, replaced by greedy when strictly more voters prefer greedy's."""
    mes = equal_shares_add1(election, seed, step)
    return compare(election, "equalshares/add1-comparison", mes, seed)
