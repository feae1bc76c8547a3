"""Who supports each project: the grouped profile turned around, one slice per project."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pb.tally.election import Election


@dataclass(frozen=True, eq=False)
class Support:
    """Supporter groups of every project, as slices ``start[p]:start[p + 1]`` of flat arrays.

    ``levels[p]`` lists (weight, voters) pairs by decreasing weight: at the start of equal
    shares every voter has the same money, so that is all the first round needs.
    """

    start: np.ndarray
    group: np.ndarray
    weight: np.ndarray
    weight_f: np.ndarray
    count_f: np.ndarray
    project_of: np.ndarray
    voters: np.ndarray
    levels: tuple[tuple[tuple[int, int], ...], ...]
    max_weight: int
    unit_weights: bool

    def slice(self, p: int) -> slice:
        """Positions of project ``p``'s supporters in the flat arrays."""
        return slice(int(self.start[p]), int(self.start[p + 1]))


def support_of(election: Election) -> Support:
    """Turn the election's ballot groups into per-project supporter arrays."""
    profile = election.profile
    num_projects = len(election.projects)
    # A stable sort of small integers is a radix sort in numpy: linear, even for millions.
    key = profile.items.astype(np.int32 if num_projects > 32_000 else np.int16)
    order = np.argsort(key, kind="stable")
    project_of = profile.items[order]
    # Native-width group numbers: numpy converts any other index type on every gather.
    group = election.entry_group.astype(np.intp)[order]
    weight = profile.weights[order]
    count = profile.counts[group]
    start = np.zeros(num_projects + 1, dtype=np.int64)
    np.cumsum(np.bincount(project_of, minlength=num_projects), out=start[1:])
    max_weight = int(weight.max()) if len(weight) else 1
    levels: tuple[tuple[tuple[int, int], ...], ...]
    if max_weight == 1:  # approval: one level per project, everyone at weight 1
        levels = tuple(((1, n),) if n else () for n in election.supporters.tolist())
    else:
        levels = _levels(project_of, weight, count, num_projects)
    return Support(
        start=start,
        group=group,
        weight=weight,
        weight_f=weight.astype(np.float64),
        count_f=count.astype(np.float64),
        project_of=project_of,
        voters=election.supporters,
        levels=tuple(levels),
        max_weight=max_weight,
        unit_weights=max_weight == 1,
    )


def _levels(
    project_of: np.ndarray, weight: np.ndarray, count: np.ndarray, num_projects: int
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Per project, (weight, voters giving it that weight) by decreasing weight."""
    if len(weight) == 0:
        return tuple(() for _ in range(num_projects))
    # Weights are small integers (points, ranks): count them per project without sorting.
    top = int(weight.max())
    if top >= 4096:  # unusually large points: number the distinct ones instead
        values, code = np.unique(weight, return_inverse=True)
        code = code.reshape(-1)
    else:
        values, code = np.arange(top + 1), weight
    span = len(values)
    voters = np.bincount(project_of * span + code, weights=count, minlength=num_projects * span)
    table = voters.reshape(num_projects, span).astype(np.int64)[:, ::-1]
    weights = values[::-1].tolist()
    return tuple(
        tuple((w, n) for w, n in zip(weights, row, strict=True) if n) for row in table.tolist()
    )
