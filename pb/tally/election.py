"""What a tally starts from: the projects, the budget and the ballots, grouped.

A ballot is turned into a weight vector (approval 1; ordinal L - r + 1; points as cast) and
identical weight vectors are counted once with their multiplicity, so a city of 90,000 voters
is tallied over the few tens of thousands of distinct ballots actually cast.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Literal, TypeAlias

import numpy as np

VoteType: TypeAlias = Literal["approval", "ordinal", "cumulative", "scoring"]
VOTE_TYPES: tuple[VoteType, ...] = ("approval", "ordinal", "cumulative", "scoring")

#: Money is a whole number of minor units; a Fraction only when a file gave decimals.
Money: TypeAlias = int | Fraction
#: One voter's ballot: an approval set, a ranking (best first) or a map of points.
Ballot: TypeAlias = AbstractSet[str] | Sequence[str] | Mapping[str, int]


class BallotError(ValueError):
    """A ballot that cannot be counted (unknown project, a project named twice, bad points)."""


@dataclass(frozen=True, eq=False)
class Profile:
    """Distinct ballots as sparse weight vectors, with how many voters cast each one.

    Row ``g`` names projects ``items[indptr[g]:indptr[g + 1]]`` (indices into the election's
    project order, increasing) with positive integer ``weights``; ``counts[g]`` voters cast it.
    """

    indptr: np.ndarray
    items: np.ndarray
    weights: np.ndarray
    counts: np.ndarray

    @classmethod
    def from_counts(cls, grouped: Mapping[tuple[tuple[int, int], ...], int]) -> Profile:
        """Build a profile from {sorted (project index, weight) pairs: voters casting them}."""
        return _profile_from_keys(grouped)

    @property
    def num_groups(self) -> int:
        """Number of distinct ballots."""
        return len(self.counts)

    @property
    def num_voters(self) -> int:
        """Number of ballots cast, counting each voter once."""
        return int(self.counts.sum())

    def rows(self) -> Iterable[tuple[dict[int, int], int]]:
        """Yield each distinct ballot as {project index: weight} with its multiplicity."""
        for g in range(self.num_groups):
            lo, hi = int(self.indptr[g]), int(self.indptr[g + 1])
            row = dict(zip(self.items[lo:hi].tolist(), self.weights[lo:hi].tolist(), strict=True))
            yield row, int(self.counts[g])


@dataclass(frozen=True, eq=False)
class Election:
    """A pot ready to be tallied: project costs, the budget and the grouped ballots.

    Build one with :meth:`from_ballots` (what the web app has); :func:`pb.tally.pabulib.load`
    builds one from a file.
    """

    projects: Mapping[str, Money]
    budget: Money
    vote_type: VoteType
    profile: Profile

    @classmethod
    def from_ballots(
        cls,
        projects: Mapping[str, Money],
        budget: Money,
        ballots: Iterable[Ballot],
        vote_type: VoteType | None = None,
        *,
        counts: Iterable[int] | None = None,
        max_length: int | None = None,
    ) -> Election:
        """Build an election from ballots as cast.

        ``projects`` maps each project id to its cost in minor units (a positive int);
        ``ballots`` are approval sets, rankings (lists, best first) or {project: points}
        dicts; ``counts`` optionally gives how many voters cast each ballot. ``vote_type`` is
        guessed from the first ballot when omitted. For rankings, rank r earns
        ``max_length - r + 1`` points, ``max_length`` defaulting to the number of projects.
        Raises :class:`BallotError` for a ballot that names an unknown project or one twice.
        """
        costs = _check_projects(projects)
        index = {pid: i for i, pid in enumerate(costs)}
        ballot_list = list(ballots)
        count_list = [1] * len(ballot_list) if counts is None else [int(c) for c in counts]
        if len(count_list) != len(ballot_list):
            raise ValueError("counts must give one multiplicity per ballot")
        if vote_type is None:
            vote_type = _guess_vote_type(ballot_list)
        if vote_type not in VOTE_TYPES:
            raise ValueError(f"unknown vote type {vote_type!r}")
        length = len(costs) if max_length is None else int(max_length)
        grouped: dict[tuple[tuple[int, int], ...], int] = {}
        for number, (ballot, count) in enumerate(zip(ballot_list, count_list, strict=True)):
            if count < 0:
                raise BallotError(f"ballot {number + 1}: negative count {count}")
            try:
                key = _weight_key(ballot, vote_type, index, length)
            except BallotError as exc:
                raise BallotError(f"ballot {number + 1}: {exc}") from None
            grouped[key] = grouped.get(key, 0) + count
        return cls(costs, _check_budget(budget), vote_type, _profile_from_keys(grouped))

    @cached_property
    def project_ids(self) -> tuple[str, ...]:
        """Project ids in the order the election lists them."""
        return tuple(self.projects)

    @cached_property
    def scale(self) -> int:
        """Smallest factor making every cost whole (1 unless a file gave decimal costs)."""
        return math.lcm(1, *(Fraction(c).denominator for c in self.projects.values()))

    @cached_property
    def unit_costs(self) -> np.ndarray:
        """Costs times :attr:`scale`, as int64: the whole numbers the rules compute with."""
        return np.array([int(Fraction(c) * self.scale) for c in self.projects.values()], np.int64)

    @cached_property
    def entry_group(self) -> np.ndarray:
        """For each (ballot, project) entry of the profile, the ballot group it belongs to."""
        lengths = np.diff(self.profile.indptr)
        return np.repeat(np.arange(self.profile.num_groups, dtype=np.int64), lengths)

    @cached_property
    def supporters(self) -> np.ndarray:
        """Per project, the number of voters giving it a positive weight."""
        p = self.profile
        return np.bincount(
            p.items, weights=p.counts[self.entry_group], minlength=len(self.projects)
        ).astype(np.int64)

    @cached_property
    def scores(self) -> np.ndarray:
        """Per project, the total weight its ballots give it (votes, points)."""
        p = self.profile
        per_entry = p.weights * p.counts[self.entry_group]
        # bincount sums in float64; exact while totals stay below 2**53, checked here.
        total = np.bincount(p.items, weights=per_entry, minlength=len(self.projects))
        if total.size and total.max() >= 2.0**53:
            raise OverflowError("scores too large to add up exactly")
        return total.astype(np.int64)


def _check_projects(projects: Mapping[str, Money]) -> dict[str, Money]:
    costs: dict[str, Money] = {}
    for pid, cost in projects.items():
        key = str(pid)
        if key in costs:
            raise ValueError(f"project {key!r} listed twice")
        if isinstance(cost, bool) or not isinstance(cost, int | Fraction):
            raise TypeError(f"project {key!r}: cost must be an int or Fraction, not {cost!r}")
        if cost <= 0:
            raise ValueError(f"project {key!r}: cost must be positive, not {cost}")
        costs[key] = int(cost) if Fraction(cost).denominator == 1 else Fraction(cost)
    return costs


def _check_budget(budget: Money) -> Money:
    if isinstance(budget, bool) or not isinstance(budget, int | Fraction):
        raise TypeError(f"budget must be an int or Fraction, not {budget!r}")
    if budget < 0:
        raise ValueError(f"budget must not be negative, not {budget}")
    return int(budget) if Fraction(budget).denominator == 1 else Fraction(budget)


def _guess_vote_type(ballots: Sequence[Ballot]) -> VoteType:
    for ballot in ballots:
        if isinstance(ballot, Mapping):
            return "cumulative"
        if isinstance(ballot, AbstractSet):
            return "approval"
        if isinstance(ballot, Sequence) and not isinstance(ballot, str):
            return "ordinal"
        raise BallotError(f"cannot tell the vote type of ballot {ballot!r}")
    return "approval"


def _weight_key(
    ballot: Ballot, vote_type: VoteType, index: Mapping[str, int], length: int
) -> tuple[tuple[int, int], ...]:
    """The ballot as sorted (project index, positive weight) pairs."""
    if isinstance(ballot, str):
        raise BallotError("a ballot must be a collection of project ids, not a string")
    pairs: dict[int, int] = {}
    if vote_type in ("cumulative", "scoring"):
        if not isinstance(ballot, Mapping):
            raise BallotError(f"a {vote_type} ballot maps project ids to points")
        for pid, points in ballot.items():
            i = _project_index(pid, index, pairs)
            if isinstance(points, bool) or not isinstance(points, int | Fraction):
                raise BallotError(f"points for {pid!r} must be whole numbers, not {points!r}")
            if points < 0 or Fraction(points).denominator != 1:
                raise BallotError(f"points for {pid!r} must be a whole number >= 0")
            pairs[i] = int(points)
    else:
        if isinstance(ballot, Mapping):
            raise BallotError(f"an {vote_type} ballot lists project ids, not points")
        entries = list(ballot)
        if vote_type == "ordinal" and len(entries) > length:
            raise BallotError(f"ranks {len(entries)} projects but at most {length} count")
        for rank, pid in enumerate(entries, start=1):
            i = _project_index(pid, index, pairs)
            pairs[i] = 1 if vote_type == "approval" else length - rank + 1
    return tuple(sorted((i, w) for i, w in pairs.items() if w > 0))


def _project_index(pid: object, index: Mapping[str, int], seen: Mapping[int, int]) -> int:
    i = index.get(str(pid))
    if i is None:
        raise BallotError(f"unknown project {pid!r}")
    if i in seen:
        raise BallotError(f"names project {pid!r} twice")
    return i


def _profile_from_keys(grouped: Mapping[tuple[tuple[int, int], ...], int]) -> Profile:
    # Sorting the distinct ballots makes the group order independent of the ballot order.
    keys = sorted(key for key, count in grouped.items() if count > 0)
    lengths = np.array([len(k) for k in keys], dtype=np.int64)
    indptr = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    flat = [pair for key in keys for pair in key]
    pairs = np.array(flat, dtype=np.int64).reshape(-1, 2)
    return Profile(
        indptr=indptr,
        items=pairs[:, 0].copy(),
        weights=pairs[:, 1].copy(),
        counts=np.array([grouped[k] for k in keys], dtype=np.int64),
    )


def covered_voters(election: Election, chosen: list[int]) -> int:
    """Voters who gave positive weight to at least one of the chosen projects."""
    p = election.profile
    hit = np.zeros(len(election.projects), dtype=bool)
    hit[chosen] = True
    per_group = np.bincount(election.entry_group[hit[p.items]], minlength=p.num_groups)
    return int(p.counts[per_group > 0].sum())


def as_money(value: Fraction | int, scale: int = 1) -> Money:
    """``value / scale`` as an int when whole, else as a Fraction."""
    amount = Fraction(value, scale)
    return int(amount) if amount.denominator == 1 else amount
