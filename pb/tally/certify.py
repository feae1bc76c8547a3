"""Proving that equal shares gives one outcome for a whole range of endowments.

Add1 raises every voter's endowment one step at a time and reruns equal shares until the
outcome would overspend. Most steps change nothing. Instead of rerunning them, this module runs
equal shares once over an *interval* of endowments [lo, hi]: every voter's money is kept as a
lower and an upper bound, every price as a lower and an upper bound, and the run succeeds only
when each decision (which project wins a round, which projects are affordable) is the same for
every endowment in the interval. Then every Add1 step inside the interval gives that outcome
and Add1 can jump over them (the idea of Kraiczy, Robinson and Elkind, "Streamlining Equal
Shares", 2025, who compute the next endowment at which the outcome changes; we prove ranges
free of changes instead, which is simpler and needs no exact next point).

Why the bounds hold. In a round, project p's price t is the smallest t with
``sum_g m_g * min(b_g, t * w_g) >= cost``, which only goes up when any voter has less money.
So the price for the lowest money bounds it from above and the price for the highest money
from below. After a charge a voter keeps ``max(b - t * w, 0)``, which grows with b and shrinks
with t, so the new money lies between ``max(b_lo - t_hi * w, 0)`` and ``max(b_hi - t_lo * w, 0)``.
Float rounding is covered explicitly: every sum of n non-negative terms is trusted only to a
relative (n + 4) * 2**-52, every subtraction is widened by 4 ulps, and a bound is accepted
only after it has been checked against the money it bounds, never from a formula alone. A
failure to separate two projects, or to tell whether one is affordable, is not an error: it
just means the interval was too wide, and the caller tries a narrower one.

How wide to try next is a guess the run makes on the way (:class:`Attempt`): each decision
holds while some margin stays positive (a loser's price above the winner's, a short total
below a cost), the run sees that margin at both ends of its interval, and a straight line
through the two says how far a range could stretch before it closes. Guesses decide nothing;
EXACTNESS.md section 8 says why they need no bound.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from pb.tally.mes import _root
from pb.tally.support import Support

_EPS = 2.0**-52


class _Unsure(Exception):
    """The interval is too wide to be sure of some decision."""


@dataclass(frozen=True)
class Attempt:
    """What one proof attempt over [low, high] found.

    ``chosen`` is the proven sequence of choices, or None. ``reach`` and ``ahead`` are guesses,
    never bounds: how wide a range from ``low`` (``reach``), and from ``high`` onwards
    (``ahead``), a proof would cover if every price and every supporters' total moved linearly
    with the endowment, as they do between bends. Add1 uses them only to choose the width of
    its next attempt; a wrong guess costs an attempt, never exactness, since every range it
    skips is proven by a run like this one.
    """

    chosen: list[int] | None
    reach: float
    ahead: float


def same_outcome(
    support: Support,
    costs: list[int],
    ranks: list[int],
    counts: np.ndarray,
    low: float,
    high: float,
) -> list[int] | None:
    """The projects equal shares chooses, in order, for every endowment in [low, high].

    ``low`` and ``high`` must already be rounded outwards (low down, high up). Returns None
    when the run cannot prove that one sequence of choices holds across the whole interval.
    """
    return attempt(support, costs, ranks, counts, low, high).chosen


def attempt(
    support: Support,
    costs: list[int],
    ranks: list[int],
    counts: np.ndarray,
    low: float,
    high: float,
) -> Attempt:
    """:func:`same_outcome` with the guessed reach of such proofs (see :class:`Attempt`)."""
    interval = _Interval(support, costs, ranks, counts, low, high)
    try:
        chosen: list[int] | None = interval.run()
    except _Unsure:
        chosen = None
    return Attempt(chosen, interval.reach, interval.ahead)


class _Interval:
    def __init__(
        self,
        support: Support,
        costs: list[int],
        ranks: list[int],
        counts: np.ndarray,
        low: float,
        high: float,
    ) -> None:
        self.s = support
        self.costs = costs
        self.ranks = ranks
        groups = len(counts)
        self.lo = np.full(groups, low)
        self.hi = np.full(groups, high)
        self.alive = [int(v) > 0 for v in support.voters.tolist()]
        self.width = high - low
        # Guessed widths of provable ranges from low and from high (see Attempt).
        self.reach = math.inf
        self.ahead = math.inf
        # Per project affordable for some endowments only: its total's margins for _guess.
        self.short: dict[int, tuple[float, float, float]] = {}
        # Per project whose supporters all pay its price in full this round for every
        # endowment: the total weight W of its supporters (its rho is exactly 1 / W).
        self.fixed: dict[int, int] = {}

    def _guess(self, at_low: float, at_high: float, fall: float) -> None:
        """Record a decision that holds while a margin stays positive: ``at_low`` for a range
        starting at low, ``at_high`` for one starting at high, falling by ``fall`` across
        this interval's width (so by fall / width per unit of endowment, if linearly)."""
        if self.width > 0 and fall > 0 and math.isfinite(fall):
            rate = fall / self.width
            self.reach = min(self.reach, at_low / rate)
            self.ahead = min(self.ahead, at_high / rate)

    def run(self) -> list[int]:
        chosen: list[int] = []
        heap = [(0.0, self.ranks[p], p) for p in range(len(self.costs)) if self.alive[p]]
        heapq.heapify(heap)
        while True:
            candidates: list[tuple[float, float, int, float, float]] = []
            best_hi = math.inf
            while heap and heap[0][0] <= best_hi:
                _, _, p = heapq.heappop(heap)
                bounds = self._bounds(p)
                if bounds is None:  # unaffordable for every endowment in the interval
                    self.alive[p] = False
                    continue
                candidates.append((*bounds[:2], p, *bounds[2:]))
                best_hi = min(best_hi, bounds[1])
            if not candidates:
                return chosen
            winner = min(candidates, key=lambda c: (c[1], self.ranks[c[2]]))
            if winner[1] == math.inf:
                # Only projects that may not be affordable are left: a wider range keeps the
                # run's end only while they stay short of their costs at its low end.
                for *_, p, _, _ in candidates:
                    self._guess(*self.short[p])
                raise _Unsure
            unsure = False
            for rho_lo, rho_hi, p, _, _ in candidates:
                if p == winner[2] or self._loses_exactly(p, winner[2]):
                    continue
                # p's price falls from rho_hi (low's money) to rho_lo (high's); at the start
                # of a wider range it must stay above the winner's price at low, and from
                # high on above the winner's there (about its rho_lo).
                self._guess(rho_hi - winner[1], rho_lo - winner[0], rho_hi - rho_lo)
                unsure = unsure or rho_lo <= winner[1]
            if unsure:
                raise _Unsure  # two could swap somewhere in the interval
            self._charge(winner[2], winner[3], winner[4])
            self.alive[winner[2]] = False
            chosen.append(winner[2])
            for rho_lo, _, p, _, _ in candidates:
                if p != winner[2]:
                    # Money only goes down, so this round's lower bound stays one.
                    heapq.heappush(heap, (rho_lo, self.ranks[p], p))

    def _loses_exactly(self, p: int, winner: int) -> bool:
        """Whether p loses to the winner with both prices exactly 1 / W for every endowment.

        The comparison is then exact and the same everywhere, and an exact tie (say two
        projects with as many supporters, all paying in full) goes to the tie order, as in the
        exact run. Their float bounds are one function of W, so the winner picked by them is
        the exact one and this holds for every other such candidate.
        """
        mine, theirs = self.fixed.get(p), self.fixed.get(winner)
        if mine is None or theirs is None:
            return False
        return (mine, -self.ranks[p]) < (theirs, -self.ranks[winner])

    def _bounds(self, p: int) -> tuple[float, float, float, float] | None:
        """Bounds on p's price per unit of utility (rho) and per unit of weight (t).

        None if p is unaffordable for every endowment of the interval. A project affordable for
        some endowments only gets no upper bound (it cannot be shown to win) but keeps its lower
        one: if that is above the winner's price, it loses wherever it is affordable at all,
        so becoming affordable without winning does not stop a range from being proven.
        """
        s = self.s
        part = s.slice(p)
        groups = s.group[part]
        m = s.count_f[part]
        w = None if s.unit_weights else s.weight_f[part]
        cost = float(self.costs[p])
        err = (len(groups) + 4) * _EPS
        lo, hi = self.lo[groups], self.hi[groups]
        most, least = float(m @ hi), float(m @ lo)
        if most * (1 + err) < cost:
            # Unaffordable throughout; a wider range stays so while high's total is short.
            self._guess(cost - least, cost - most, most - least)
            return None
        self.fixed.pop(p, None)
        weight = float(m.sum()) if w is None else float(m @ w)
        t_up = _up(cost / weight)
        if np.all(lo >= (t_up if w is None else t_up * w) * (1 + 2.0**-50)):
            # Everyone can pay the price at which nobody pays all they have, cost / weight,
            # from low's money and so from any more: that is the price (EXACTNESS.md 8).
            self.fixed[p] = int(weight)
            rho = 1.0 / weight
            return _down(rho), _up(rho), _down(cost / weight), t_up
        t_lo = self._price_bound(hi, w, m, cost, err, upper=False)
        if least * (1 - err) < cost:  # affordable for some endowments, maybe not all
            self.short[p] = (cost - least, cost - most, most - least)
            return _down(t_lo / cost), math.inf, t_lo, math.inf
        t_hi = self._price_bound(lo, w, m, cost, err, upper=True)
        return _down(t_lo / cost), _up(t_hi / cost), t_lo, t_hi

    @staticmethod
    def _price_bound(
        b: np.ndarray,
        w: np.ndarray | None,
        m: np.ndarray,
        cost: float,
        err: float,
        *,
        upper: bool,
    ) -> float:
        """A price proven to raise at least (upper) or less than (lower) the cost from b."""

        def raised(t: float) -> float:
            return float(m @ np.minimum(b, t if w is None else t * w))

        ratio = b if w is None else b / w
        paid, slope, _ = _root(ratio, m * b, m if w is None else m * w, cost)
        t = max((cost - paid) / slope, 0.0) if slope > 0 else float(ratio.max())
        gap = 2.0**-40
        for _ in range(80):
            if upper:
                trial = t * (1 + gap) + gap
                if raised(trial) * (1 - err) >= cost:
                    return trial
            else:
                trial = t * (1 - gap)
                if trial <= 0:
                    return 0.0
                if raised(trial) * (1 + err) < cost:
                    return trial
            gap *= 4
        raise _Unsure

    def _charge(self, p: int, t_lo: float, t_hi: float) -> None:
        s = self.s
        part = s.slice(p)
        groups = s.group[part]
        w = s.weight_f[part]
        lo, hi = self.lo[groups], self.hi[groups]
        pay_hi, pay_lo = t_hi * w, t_lo * w
        new_lo = lo - pay_hi - 4 * _EPS * (lo + pay_hi)
        new_hi = hi - pay_lo + 4 * _EPS * (hi + pay_lo)
        self.lo[groups] = np.maximum(new_lo, 0.0)
        self.hi[groups] = np.minimum(np.maximum(new_hi, 0.0), hi)


def _down(x: float) -> float:
    return x * (1 - 2.0**-50) if x > 0 else x


def _up(x: float) -> float:
    return x * (1 + 2.0**-50) if x > 0 else x
