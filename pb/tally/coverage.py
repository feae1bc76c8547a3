"""Effective support: how close a project that was not funded came, replayed round by round.

For each project left out, its effective support is the largest share of its cost its
supporters would have paid, at the going rate of some round, with the money they had then
(each paying rate x utility or all they had); at the end, what they had left. Like pabutools'
analytics, but replayed once for all projects from a recorded run rather than rerun per project.
"""

from __future__ import annotations

import numpy as np

from pb.tally.mes import RunResult
from pb.tally.support import Support


def replay_coverage(
    support: Support,
    costs: list[int],
    num_groups: int,
    endowment: float,
    result: RunResult,
    projects: list[int],
) -> tuple[np.ndarray, np.ndarray]:
    """For ``projects`` (supported ones), best coverage share and supporters' money at the end.

    ``result`` must come from a run with ``record=True``. Both arrays follow ``projects``.
    """
    assert result.history is not None
    if not projects:
        return np.zeros(0), np.zeros(0)
    starts = support.start[projects]
    lengths = support.start[np.asarray(projects) + 1] - starts
    # Entries of the chosen projects only, laid end to end, one segment per project.
    offsets = np.zeros(len(projects), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    entry = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
    group = support.group[entry]
    count = support.count_f[entry]
    cost = np.array([costs[p] for p in projects], dtype=np.float64)
    utility = support.weight_f[entry] * np.repeat(cost, lengths)
    money = np.full(num_groups, endowment)
    best = np.zeros(len(projects))
    paid = np.empty(len(entry))
    for rho, groups, balances in result.history:
        np.multiply(utility, rho, out=paid)
        np.minimum(money[group], paid, out=paid)
        paid *= count
        np.maximum(best, np.add.reduceat(paid, offsets) / cost, out=best)
        money[groups] = balances
    left = np.add.reduceat(money[group] * count, offsets)
    np.maximum(best, left / cost, out=best)
    return best, left
