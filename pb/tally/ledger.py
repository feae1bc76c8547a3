"""Exact bookkeeping of the voters' money under equal shares.

Floats decide quickly, but every charge is kept exactly. A voter either has spent everything
(``zeroed``) or has paid the round's price per unit of weight on every project chosen so far
that they support, so their money is ``e - sum_r t_r * w[g, p_r]``. The ledger stores each
price ``t_r`` as an integer over one common denominator ``D`` and the weights of the chosen
projects as a small-integer matrix, which is enough to recover any voter's money, or any
group's total, as an exact rational whenever a decision is too close to call in floats.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

_CHUNK = 1 << 16


class Ledger:
    """Exact money of every ballot group during one equal-shares run."""

    def __init__(self, endowment: Fraction, counts: np.ndarray, max_weight: int) -> None:
        self.endowment = endowment
        self.counts = counts
        self.denominator = endowment.denominator
        self.endowment_num = endowment.numerator  # endowment * denominator
        self.prices: list[int] = []  # t_r * denominator, one per round
        dtype = np.min_scalar_type(-max(int(max_weight), 1) - 1)
        self._weights = np.zeros((4, len(counts)), dtype=dtype)
        self.zeroed = np.zeros(len(counts), dtype=bool)

    @property
    def rounds(self) -> int:
        """Number of charges recorded so far."""
        return len(self.prices)

    def record(
        self, price: Fraction, groups: np.ndarray, weights: np.ndarray, emptied: np.ndarray
    ) -> None:
        """Record that ``groups`` paid ``price`` per unit of ``weights``; ``emptied`` paid all."""
        r = self.rounds
        if r == self._weights.shape[0]:
            grown = np.zeros((2 * r, self._weights.shape[1]), dtype=self._weights.dtype)
            grown[:r] = self._weights
            self._weights = grown
        self._weights[r, groups] = weights
        self.zeroed[emptied] = True
        new_den = math.lcm(self.denominator, price.denominator)
        factor = new_den // self.denominator
        if factor != 1:
            self.prices = [t * factor for t in self.prices]
            self.endowment_num *= factor
            self.denominator = new_den
        self.prices.append(price.numerator * (new_den // price.denominator))

    def scaled_total(self, groups: np.ndarray) -> int:
        """Total money of ``groups`` (each times its multiplicity), times the denominator.

        Groups that spent everything count for nothing.
        """
        groups = groups[~self.zeroed[groups]]
        total = self.endowment_num * int(self.counts[groups].sum())
        r = self.rounds
        if r == 0 or len(groups) == 0:
            return total
        paid = np.zeros(r, dtype=np.int64)
        for lo in range(0, len(groups), _CHUNK):
            chunk = groups[lo : lo + _CHUNK]
            paid += self._weights[:r, chunk].astype(np.int64) @ self.counts[chunk]
        return total - sum(t * int(n) for t, n in zip(self.prices, paid.tolist(), strict=True))

    def scaled_money(self, groups: np.ndarray) -> list[int]:
        """Money of each group in ``groups`` (one voter's worth), times the denominator."""
        result = [0] * len(groups)
        live = np.flatnonzero(~self.zeroed[groups])
        if len(live) == 0:
            return result
        r = self.rounds
        if r == 0:
            for i in live.tolist():
                result[i] = self.endowment_num
            return result
        # Groups that support the same chosen projects have the same money: compute it once.
        columns, inverse = np.unique(self._weights[:r, groups[live]], axis=1, return_inverse=True)
        values = [
            self.endowment_num - sum(t * w for t, w in zip(self.prices, col, strict=True) if w)
            for col in columns.T.tolist()
        ]
        for i, u in zip(live.tolist(), inverse.reshape(-1).tolist(), strict=True):
            result[i] = values[u]
        return result

    def money(self, group: int) -> Fraction:
        """Exact money of one voter of ``group`` (for checks and explanations)."""
        return Fraction(self.scaled_money(np.array([group]))[0], self.denominator)
