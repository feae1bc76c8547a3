"""One run of the Method of Equal Shares (cost utilities) from a given per-voter endowment.

Each round picks the affordable project with the smallest price ``rho`` per unit of utility
(utility = weight x cost), ties broken by the shared tie order. Speed comes from three things:
ballots are grouped; a project's price is recomputed only when it could be the next winner
(prices only go up as money is spent, so an old price is a valid lower bound); and prices are
found in floats. Exactness comes from the float work being only a filter: every float price
carries a proven interval, any projects whose intervals overlap the best one are settled in
exact rational arithmetic, and the winner's charge is always computed exactly (see ledger.py).
Every float bound used here is derived in EXACTNESS.md (its section numbers are cited below).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from pb.tally.ledger import Ledger
from pb.tally.support import Support

_EPS = 2.0**-52
#: Passes of the fixed-point iteration in :func:`_root` before it sorts instead.
_PASSES = 12


def balance_error(rounds: int, endowment: float) -> float:
    """A bound on how far any float balance is from the voter's exact money after ``rounds``
    charges: EXACTNESS.md section 2 proves (rounds + 1) * endowment * 2**-52; this is 4x that."""
    return (rounds + 2) * endowment * 2.0**-50


@dataclass(frozen=True, eq=False)
class _Solution:
    """A project's exact price this round and who would pay everything they have."""

    project: int
    price: Fraction  # t: money per unit of weight; rho = t / cost
    rho: Fraction
    groups: np.ndarray  # its supporter groups with money left
    weights: np.ndarray
    emptied: np.ndarray  # bool over ``groups``: pays all it has


@dataclass
class RunResult:
    """The projects chosen by one run, in order, with what explanations need.

    ``history`` (kept on request) lists, per round, the winner's rho and the new balances of
    the groups it charged, so the run can be replayed without recomputing any price.
    """

    chosen: list[int]
    rhos: list[Fraction]
    ledger: Ledger
    history: list[tuple[float, np.ndarray, np.ndarray]] | None = None


class EqualSharesRun:
    """State of one equal-shares run; call :meth:`run` once."""

    def __init__(
        self,
        support: Support,
        costs: list[int],
        ranks: list[int],
        counts: np.ndarray,
        endowment: Fraction,
        record: bool = False,
    ) -> None:
        self.s = support
        self.costs = costs
        self.ranks = ranks
        self.counts = counts
        self.endowment = endowment
        self.endowment_f = float(endowment)
        self.money = np.full(len(counts), self.endowment_f)
        self.ledger = Ledger(endowment, counts, support.max_weight)
        self.alive = [int(v) > 0 for v in support.voters.tolist()]
        self.history: list[tuple[float, np.ndarray, np.ndarray]] | None = [] if record else None

    @property
    def _err(self) -> float:
        return balance_error(self.ledger.rounds, self.endowment_f)

    def run(self) -> RunResult:
        """Select projects until none is affordable; return them in order of selection."""
        chosen: list[int] = []
        rhos: list[Fraction] = []
        exact: dict[int, Fraction] = self._first_prices()
        heap = [(_down(float(t / self.costs[p])), self.ranks[p], p) for p, t in exact.items()]
        heapq.heapify(heap)
        while True:
            candidates: list[tuple[int, float, float, float, float]] = []
            best_hi = math.inf
            while heap and heap[0][0] <= best_hi:
                _, _, p = heapq.heappop(heap)  # only live projects are ever in the heap
                bounds = self._bounds(p, exact)
                if bounds is None:
                    self.alive[p] = False
                    continue
                t_lo, t_hi = bounds
                rho_lo, rho_hi = _down(t_lo / self.costs[p]), _up(t_hi / self.costs[p])
                candidates.append((p, rho_lo, rho_hi, t_lo, t_hi))
                best_hi = min(best_hi, rho_hi)
            if not candidates:
                break
            solutions = []
            for p, rho_lo, _, t_lo, t_hi in candidates:
                if rho_lo <= best_hi:
                    # The retry and the unaffordable case cannot happen while the bounds hold
                    # (EXACTNESS.md section 5); they keep the run exact if one ever did not.
                    solution = self._solve(p, t_lo, t_hi) or self._solve(p, 0.0, math.inf)
                    if solution is None:
                        self.alive[p] = False
                    else:
                        solutions.append(solution)
            if len(solutions) == sum(rho_lo <= best_hi for _, rho_lo, *_ in candidates):
                # Every contender checked out, so the best of them is this round's winner.
                winner = min(solutions, key=lambda s: (s.rho, self.ranks[s.project]))
                self._charge(winner)
                self.alive[winner.project] = False
                chosen.append(winner.project)
                rhos.append(winner.rho)
                exact = {}
            # else a contender turned out unaffordable: look again without charging anyone.
            for p, rho_lo, *_ in candidates:
                if self.alive[p]:
                    heapq.heappush(heap, (rho_lo, self.ranks[p], p))
        return RunResult(chosen, rhos, self.ledger, self.history)

    def _first_prices(self) -> dict[int, Fraction]:
        """Exact prices while every voter still holds the same endowment."""
        e = self.endowment
        prices: dict[int, Fraction] = {}
        for p, levels in enumerate(self.s.levels):
            if not self.alive[p]:
                continue
            cost = self.costs[p]
            if e * sum(voters for _, voters in levels) < cost:
                self.alive[p] = False
                continue
            paid = Fraction(0)
            slope = sum(weight * voters for weight, voters in levels)
            for weight, voters in levels:  # heaviest weights run out of money first
                if (cost - paid) * weight <= e * slope:
                    prices[p] = (cost - paid) / slope
                    break
                paid += e * voters
                slope -= weight * voters
        return prices

    def _bounds(self, p: int, exact: dict[int, Fraction]) -> tuple[float, float] | None:
        """A proven interval for project p's price t, or None if it is no longer affordable."""
        if p in exact:
            t = float(exact[p])
            return _down(t), _up(t)
        s = self.s
        part = s.slice(p)
        b = self.money[s.group[part]]
        m = s.count_f[part]
        w = None if s.unit_weights else s.weight_f[part]
        cost = float(self.costs[p])
        mb = m * b
        total = float(mb.sum())
        # What float rounding and the drift of the balances can hide, in money (section 3).
        slack = self._err * float(s.voters[p]) + (len(b) + 8) * _EPS * (total + cost)
        if total + slack < cost:
            return None
        # Within 2 slack of the cost, settle it exactly: beyond, the upward widening ends.
        if total - 2 * slack <= cost:
            solution = self._solve(p, 0.0, math.inf)
            if solution is None:
                return None
            t = float(solution.price)
            return _down(t), _up(t)
        ratio = b if w is None else b / w
        paid, slope, rich = _root(ratio, mb, m if w is None else m * w, cost)
        # Whoever _root calls poor or rich, the money raised at t is at most paid + t * slope,
        # so t_lo (raising cost - 2 slack by that line) is a lower bound (section 4). Between
        # the richest poor voter's ratio and the poorest rich one's the line is the money raised,
        # so there t_hi is an upper bound; elsewhere (near a kink) widen until one is checked.
        t_lo = max((cost - 2 * slack - paid) / slope, 0.0)
        t_hi = (cost + 2 * slack - paid) / slope
        if t_lo >= np.max(ratio, where=~rich, initial=0.0) and t_hi <= np.min(
            ratio, where=rich, initial=math.inf
        ):
            return _down(t_lo), _up(t_hi)
        return _down(t_lo), _up(self._widen(b, w, m, cost, slack, (cost - paid) / slope, slope))

    @staticmethod
    def _widen(
        b: np.ndarray,
        w: np.ndarray | None,
        m: np.ndarray,
        cost: float,
        slack: float,
        t: float,
        slope: float,
    ) -> float:
        """An upper bound on a price near a kink of the payment curve: step up until the
        supporters are checked to raise the cost there (EXACTNESS.md section 4)."""

        def raised(x: float) -> float:
            return float(m @ np.minimum(b, x if w is None else x * w))

        gap = 2 * slack / slope
        while raised(t + gap) - slack < cost:
            gap *= 4
        return t + gap

    def _solve(self, p: int, t_lo: float, t_hi: float) -> _Solution | None:
        """Project p's exact price, trusting only that it lies in [t_lo, t_hi].

        Supporters whose float balance is clearly below or above the price are classified by
        floats; the few near it are settled with their exact money. Returns None if the price
        is not in the interval after all (the caller then retries with [0, inf]) or, for
        [0, inf], if the project is not affordable.
        """
        s = self.s
        part = s.slice(p)
        groups = s.group[part]
        live = ~self.ledger.zeroed[groups]
        groups = groups[live]
        weights = s.weight[part][live]
        wf = s.weight_f[part][live]
        b = self.money[groups]
        margin = 2 * self._err + self.endowment_f * 2.0**-48
        lo, hi = t_lo * (1 - 2.0**-50), t_hi * (1 + 2.0**-50)
        poor = b + margin < lo * wf
        rich = b - margin > hi * wf
        near = ~(poor | rich)
        ledger = self.ledger
        num = self.costs[p] * ledger.denominator - ledger.scaled_total(groups[poor])
        den = int(self.counts[groups[rich]] @ weights[rich])
        near_groups = groups[near]
        near_money = ledger.scaled_money(near_groups)
        near_weights = weights[near].tolist()
        pooled: dict[tuple[int, int], int] = {}
        for x, w, m in zip(
            near_money, near_weights, self.counts[near_groups].tolist(), strict=True
        ):
            pooled[(x, w)] = pooled.get((x, w), 0) + m
            den += m * w
        for (x, w), m in sorted(pooled.items(), key=lambda item: Fraction(*item[0])):
            if den > 0 and num * w <= x * den:
                break  # this voter, and everyone richer, pays the price and has money left
            num -= m * x
            den -= m * w
        if den <= 0:
            return None
        price = Fraction(num, ledger.denominator * den)
        if not lo <= float(price) <= hi:
            return None
        emptied = poor.copy()
        near_idx = np.flatnonzero(near)
        for i, x, w in zip(near_idx.tolist(), near_money, near_weights, strict=True):
            if x * den <= num * w:
                emptied[i] = True
        return _Solution(p, price, price / self.costs[p], groups, weights, emptied)

    def _charge(self, winner: _Solution) -> None:
        s = self.s
        part = s.slice(winner.project)
        groups, emptied = winner.groups, winner.emptied
        payers = groups[~emptied]
        price = float(winner.price)
        after = self.money[payers] - price * winner.weights[~emptied]
        np.maximum(after, 0.0, out=after)
        self.money[payers] = after
        self.money[groups[emptied]] = 0.0
        self.ledger.record(winner.price, s.group[part], s.weight[part], groups[emptied])
        if self.history is not None:
            balances = np.zeros(len(groups))
            balances[~emptied] = after
            self.history.append((float(winner.rho), groups, balances))


def _root(
    ratio: np.ndarray, mb: np.ndarray, mw: np.ndarray, target: float
) -> tuple[float, float, np.ndarray]:
    """Float solution of sum m * min(b, t * w) = target, given ratio = b / w, mb and mw.

    Start with everyone paying t * w; whoever cannot afford that pays all they have instead;
    repeat. Returns what the poor pay, the weight still paying (the slope) and who that is.
    Converges in a few passes; long tails fall back to sorting.
    """
    rich = np.ones(len(ratio), dtype=bool)
    paid, slope = 0.0, float(mw.sum())
    for _ in range(_PASSES):
        short = rich & (ratio < (target - paid) / slope)
        if not short.any():
            return paid, slope, rich
        paid += float(mb[short].sum())
        slope -= float(mw[short].sum())
        rich &= ~short
        if slope <= 0:
            break
    return _root_by_sorting(ratio, mb, mw, target)


def _root_by_sorting(
    ratio: np.ndarray, mb: np.ndarray, mw: np.ndarray, target: float
) -> tuple[float, float, np.ndarray]:
    """:func:`_root` for long tails: sort by ratio and find the break where the target falls."""
    order = np.argsort(ratio, kind="stable")
    paid_before = np.concatenate(([0.0], np.cumsum(mb[order])[:-1]))
    slope_from = mw[order][::-1].cumsum()[::-1]
    at_break = paid_before + ratio[order] * slope_from
    j = min(int(np.searchsorted(at_break, target)), len(ratio) - 1)
    rich = np.zeros(len(ratio), dtype=bool)
    rich[order[j:]] = True
    return float(paid_before[j]), float(slope_from[j]), rich


def _down(x: float) -> float:
    return x * (1 - 2.0**-50) if x > 0 else x


def _up(x: float) -> float:
    return x * (1 + 2.0**-50) if x > 0 else x
