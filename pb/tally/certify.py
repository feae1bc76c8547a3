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

Comparing at one endowment. Bounds that hold for the whole interval compare the winner's
price at low with a loser's at high, which caps a proof's width by the gap between the two
over how fast the loser's falls. So every voter's money is also kept between two straight
lines in the endowment, and prices along lines: the winner's price is convex along the lower
money line, so below the chord between its two ends; a loser's is above the straight line
``(cost - money of C) / weight of the rest`` for any set C of its supporters (a tangent, with
C who pays all they have at one end). A loser loses throughout when at every endowment one of
its lines is above the winner's: both ends of a straight line decide that. Between bends
(where someone starts paying all they have) the lines are exact, so a proof can reach up to
where the two prices meet (EXACTNESS.md section 8 derives each step and its rounding).

A range that cannot be proven whole may, when the caller allows, be narrowed instead: the
run cuts it a little before where the failing decision would flip, reads the money lines at
the new end, and runs that round again on the shorter range (every bound held on the longer
one, so it holds on the shorter). Add1 then gets a proof that ends near the next change of
outcome, not a failure to retry.

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
from pb.tally.mes import _root as _who_pays
from pb.tally.support import Support

_EPS = 2.0**-52

#: How often one attempt may narrow its range, and how far below a flip it cuts it.
_CUTS = 8
_MARGIN = 2.0**-20


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
    #: The end of the range tried: ``high``, or less where the attempt was allowed to narrow.
    high: float


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
    least: float | None = None,
) -> Attempt:
    """:func:`same_outcome` with the guessed reach of such proofs (see :class:`Attempt`).

    With ``least`` (from low to high) the attempt may narrow its range to [low, x] for some
    x of at least ``least`` (above low), where a decision holds only up to some endowment: the
    range is cut a little before where it would flip, and the round is run again on the
    narrower range, which keeps every bound (EXACTNESS.md section 8). ``Attempt.high``
    is then x.
    """
    interval = _Interval(support, costs, ranks, counts, low, high, least)
    try:
        chosen: list[int] | None = interval.run()
    except _Unsure:
        chosen = None
    ahead = min(interval.ahead, interval.reach - interval.width)
    return Attempt(chosen, interval.reach, ahead, interval.high)


class _Interval:
    def __init__(
        self,
        support: Support,
        costs: list[int],
        ranks: list[int],
        counts: np.ndarray,
        low: float,
        high: float,
        least: float | None = None,
    ) -> None:
        self.s = support
        self.costs = costs
        self.ranks = ranks
        groups = len(counts)
        # Each group's money b(e) lies between two straight lines in e over the interval: a
        # lower one, worth lo at low and lo_end at high, and an upper one, worth hi_start at
        # low and hi at high (EXACTNESS.md section 8). Money never falls as the endowment
        # rises (same choices throughout), so lo and hi alone bound it everywhere, too.
        self.lo = np.full(groups, low)
        self.lo_end = np.full(groups, high)
        self.hi_start = np.full(groups, low)
        self.hi = np.full(groups, high)
        self.alive = [int(v) > 0 for v in support.voters.tolist()]
        self.width = high - low
        self.low, self.high = low, high
        # How far the range may narrow (no narrowing: high), and how often.
        self.least = high if least is None else least
        self.cuts = 0
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
        self.heap = heap
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
                self._narrow(min(self._short_until(p) for *_, p, _, _ in candidates))
                self._retry(candidates)
                continue
            covered = 1.0  # the share of the range where every loser provably loses
            line: tuple[float, float] | None = None  # the winner's price line, t at both ends
            for rho_lo, rho_hi, p, _, _ in candidates:
                if p == winner[2] or self._loses_exactly(p, winner[2]):
                    continue
                # p's price minus the winner's, at one endowment: about rho_hi - winner's
                # rho_hi at low (both from low's money), rho_lo - winner's rho_lo at high.
                at_low, at_high = rho_hi - winner[1], rho_lo - winner[0]
                self._guess(at_low, at_high, at_low - at_high)
                if rho_lo > winner[1]:
                    continue  # p's lowest price is above the winner's highest
                if line is None:
                    line = self._line(winner[2], winner[3], winner[4])
                covered = min(covered, self._above(p, rho_lo, winner[2], line))
            if covered < 1.0:
                # Two could swap somewhere in the interval: after the share covered, if so.
                self._narrow(covered)
                self._retry(candidates)
                continue
            if line is None:
                line = self._line(winner[2], winner[3], winner[4])
            self._charge(winner[2], line, self._under(winner[2], winner[3]))
            self.alive[winner[2]] = False
            chosen.append(winner[2])
            for rho_lo, _, p, _, _ in candidates:
                if p != winner[2]:
                    # Money only goes down, so this round's lower bound stays one.
                    heapq.heappush(heap, (rho_lo, self.ranks[p], p))

    def _narrow(self, share: float) -> None:
        """Narrow the range to a little less than ``share`` of its width, reading both money
        lines at the new end (EXACTNESS.md section 8); unsure if that is below ``least``."""
        if self.cuts >= _CUTS:
            raise _Unsure
        if share > 0:
            self.reach = min(self.reach, share * self.width)
        else:  # not shown even at low: the bounds of a wide range may be too loose there
            share = 0.5
        high = self.low + share * (1 - _MARGIN) * self.width
        if not (self.least <= high < self.high and high > self.low):
            raise _Unsure
        f_lo = _lower(_lower(high - self.low) / self.width)
        f_hi = min(_upper(_upper(high - self.low) / self.width), 1.0)
        lo, lo_end, hi_start, hi = self.lo, self.lo_end, self.hi_start, self.hi
        rise = np.maximum(lo_end - lo, 0.0) * f_lo
        new_lo_end = lo + rise - 4 * _EPS * (lo + rise)
        grow = np.maximum(hi - hi_start, 0.0) * f_hi
        new_hi = hi_start + grow + 4 * _EPS * (hi_start + grow)
        self.lo_end = np.maximum(new_lo_end, lo)
        self.hi = np.minimum(new_hi, hi)
        self.high, self.width = high, high - self.low
        self.cuts += 1
        self.ahead = math.inf  # guesses from the old end say nothing of the new one

    def _retry(self, candidates: list[tuple[float, float, int, float, float]]) -> None:
        """Run the round again on the narrowed range: every candidate back on the heap."""
        for rho_lo, _, p, _, _ in candidates:
            heapq.heappush(self.heap, (rho_lo, self.ranks[p], p))

    def _short_until(self, p: int) -> float:
        """The share of the range over which p's supporters' total provably stays short of
        its cost, by the upper money line (0 if not even at low)."""
        s = self.s
        part = s.slice(p)
        groups, m = s.group[part], s.count_f[part]
        start, end = float(m @ self.hi_start[groups]), float(m @ self.hi[groups])
        room = float(self.costs[p]) * (1 - (len(m) + 4) * _EPS) - start
        if not room > 0:
            return 0.0
        return room / (end - start) if end > start else 1.0

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

    def _line(self, p: int, t_lo: float, t_hi: float) -> tuple[float, float]:
        """Upper bounds on the winner p's price t at low and at high: between them the straight
        line is one too, since the price is convex along the lower money line (section 8)."""
        if p in self.fixed:
            return t_hi, t_hi
        s = self.s
        part = s.slice(p)
        m = s.count_f[part]
        w = None if s.unit_weights else s.weight_f[part]
        err = (len(m) + 4) * _EPS
        end = self._price_bound(
            self.lo_end[s.group[part]], w, m, float(self.costs[p]), err, upper=True
        )
        return t_hi, min(end, t_hi)

    def _under(self, p: int, t_lo: float) -> tuple[float, float]:
        """Lower bounds on the winner p's price at low and at high, with the straight line
        between them one too: the tangent at high (section 8), or t_lo at both ends."""
        if p in self.fixed:
            return t_lo, t_lo
        tangent = self._tangent(p, at_high=True)
        if tangent is None or min(tangent) < 0 or sum(tangent) < 2 * t_lo:
            return t_lo, t_lo
        return tangent

    def _tangent(self, p: int, *, at_high: bool) -> tuple[float, float] | None:
        """Lower bounds at low and at high on the straight line t_C along the upper money
        line, with C the supporters that pay all they have at high's (or low's) upper money.
        For every set C, t_C = (cost - money of C) / weight of the rest is at most the price
        (section 8); None if nobody would be left to pay at a price."""
        s = self.s
        part = s.slice(p)
        groups = s.group[part]
        m = s.count_f[part]
        w = None if s.unit_weights else s.weight_f[part]
        start, end = self.hi_start[groups], self.hi[groups]
        b = end if at_high else start
        mw = m if w is None else m * w
        _, _, rich = _who_pays(b if w is None else b / w, m * b, mw, float(self.costs[p]))
        weight = float(mw[rich].sum())  # an exact float (section 1)
        if not weight > 0:
            return None
        poor = ~rich
        err = (len(m) + 4) * _EPS
        cost = _lower(float(self.costs[p]))
        m_poor = m[poor]
        ends = []
        for money in (start, end):
            paid = _upper(float(m_poor @ money[poor]) * (1 + err))
            ends.append(_lower(_lower(cost - paid) / weight))
        return ends[0], ends[1]

    def _above(self, p: int, rho_lo: float, winner: int, line: tuple[float, float]) -> float:
        """1 if loser p's rho is above the winner's at every endowment of the interval,
        comparing the two at one endowment: the winner's under its line, p's over the best
        of three lines (its rho_lo, and its tangents at low and at high). Otherwise the share
        of the interval from low over which one line shows it (a guess for narrowing, which
        the round run again on the narrower range checks)."""
        cost_w, cost_p = float(self.costs[winner]), float(self.costs[p])
        top = (_upper(line[0] / cost_w), _upper(line[1] / cost_w))
        pieces = [(rho_lo, rho_lo)]
        for at_high in (False, True):
            tangent = self._tangent(p, at_high=at_high)
            if tangent is not None:
                pieces.append((_lower(tangent[0] / cost_p), _lower(tangent[1] / cost_p)))
        # Per line, lower bounds on (p's rho - the winner's) at low and at high.
        gaps = [(_lower(a - top[0]), _lower(b - top[1])) for a, b in pieces]
        if _lines_needed(gaps) > 0:
            return 1.0
        return max((a / (a - b) for a, b in gaps if a > 0 and b <= 0), default=0.0)

    def _charge(self, p: int, line: tuple[float, float], under: tuple[float, float]) -> None:
        """Charge every supporter of p at a price between the lines ``under`` and ``line``."""
        s = self.s
        part = s.slice(p)
        groups = s.group[part]
        w = s.weight_f[part]
        lo, lo_end = self.lo[groups], self.lo_end[groups]
        hi_start, hi = self.hi_start[groups], self.hi[groups]
        # The lower money line falls by the upper price line, the upper one by the lower.
        pay, pay_end = line[0] * w, line[1] * w
        new_lo = lo - pay - 4 * _EPS * (lo + pay)
        new_lo_end = lo_end - pay_end - 4 * _EPS * (lo_end + pay_end)
        pay_start, pay = under[0] * w, under[1] * w
        new_hi_start = hi_start - pay_start + 4 * _EPS * (hi_start + pay_start)
        new_hi = hi - pay + 4 * _EPS * (hi + pay)
        # Money is never negative: a lower line below 0 at low is replaced by 0, an upper
        # line's ends are raised to 0 (its chord over max(line, 0)); and money never falls as
        # the endowment rises, so the lower line is at least its start, the upper at most its end.
        short = new_lo < 0
        new_lo[short] = 0.0
        new_lo_end[short] = 0.0
        self.lo[groups] = new_lo
        self.lo_end[groups] = np.maximum(new_lo_end, new_lo)
        new_hi = np.maximum(new_hi, 0.0)
        self.hi[groups] = new_hi
        self.hi_start[groups] = np.minimum(np.maximum(new_hi_start, 0.0), new_hi)


def _lines_needed(gaps: list[tuple[float, float]]) -> int:
    """How many of the lines are needed to be above 0 all across [0, 1] (1 or 2; 0: they
    cannot be), each line given by lower bounds on its value at 0 and at 1."""
    if any(d0 > 0 and d1 > 0 for d0, d1 in gaps):
        return 1
    # One line is above 0 from 0 up to x1 = a / (a + b), another from x2 = c / (c + d) on:
    # together they cover [0, 1] when x2 < x1, i.e. b c < a d.
    for a, minus_b in gaps:
        for minus_c, d in gaps:
            if a > 0 and d > 0 and _upper(minus_b * minus_c) < _lower(a * d):
                return 2
    return 0


def _lower(x: float) -> float:
    """A float at most the exact result of the one operation that gave x (relative error u)."""
    return x - abs(x) * 2.0**-50 - 5e-324


def _upper(x: float) -> float:
    return x + abs(x) * 2.0**-50 + 5e-324


def _down(x: float) -> float:
    return x * (1 - 2.0**-50) if x > 0 else x


def _up(x: float) -> float:
    return x * (1 + 2.0**-50) if x > 0 else x
