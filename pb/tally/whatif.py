"""What it would have taken: for each project not funded, the highest cost at which it would
have been funded with the same ballots, and the fewest extra supporters that would have funded
it (approval ballots), under the pot's own rule.

"Extra supporters" are extra voters whose ballot backs this project alone.

Greedy, exactly and in closed form: the walk down the ranking does not depend on the project's
cost except through ties of score, so each place it could take in the ranking has a fixed
amount of money left when it is reached; the highest cost is the best of those, and the fewest
extra votes are those lifting it to the last place where its cost still fits.

Equal Shares, by exact counts: a project left out that would win some round r (with the
rounds before it unchanged) at cost c also wins it at any lower cost, because its price per
unit of satisfaction only rises with its cost and so does its place in the tie order. So the
costs at which it is funded are all those up to one threshold, found by halving the range
with exact counts.

Add1 and the comparison step: the figures are those of the count that decided the outcome,
Equal Shares at the endowment per voter Add1 settled on (extra supporters bring that endowment
too), or greedy when the comparison chose greedy. Following how a different cost would also
move where Add1 stops is not attempted; results.json names the basis of the figures.

Extra supporters under Equal Shares (and the rules built on it) are found by counting again
with 1, 2, 3, ... extra supporters up to :data:`SCAN_LIMIT`; beyond that the answer is "more
than" the limit, a fact, not a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from pb.tally.election import Election, Money, Profile, as_money
from pb.tally.outcome import Outcome, money_json

SCAN_LIMIT = 40


@dataclass(frozen=True)
class WhatItWouldTake:
    """For one project not funded. ``max_cost`` None: not at any cost (e.g. no supporters).

    ``max_cost_exact`` False would mean "at least max_cost"; every rule here is exact.
    ``extra_supporters`` None with ``more_than`` set: none of 1..more_than would have done.
    """

    project_id: str
    max_cost: Money | None
    max_cost_exact: bool
    extra_supporters: int | None
    more_than: int | None
    basis: str = "greedy"  # the count the figures come from (see the module docstring)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "max_cost": None if self.max_cost is None else money_json(self.max_cost),
            "max_cost_exact": self.max_cost_exact,
            "extra_supporters": self.extra_supporters,
            "more_than": self.more_than,
            "basis": self.basis,
        }


def what_it_would_take(
    election: Election,
    outcome: Outcome,
    rule: str,
    seed: str = "",
    add1_step: Money | None = None,
    *,
    extra_supporters: bool | None = None,
) -> list[WhatItWouldTake]:
    """The figures for every project ``outcome`` (``rule``'s count of ``election``) left out."""
    from pb.tally.rules import rule_name

    name = rule_name(rule) or rule
    want_extra = election.vote_type == "approval" if extra_supporters is None else extra_supporters
    left_out = [
        i
        for i, pid in enumerate(election.project_ids)
        if pid not in set(outcome.selected) and election.supporters[i] > 0
    ]
    chose_greedy = outcome.comparison is not None and outcome.comparison.chosen == "greedy"
    if name == "greedy" or chose_greedy:
        counter: _Greedy | _Counted = _Greedy(election, seed)
        basis = "greedy"
    elif "add1" in name:
        endowment = Fraction(outcome.endowment or 0) * election.scale
        counter = _Counted(election, "equalshares", seed, None, endowment)
        basis = "equalshares at the Add1 endowment"
    else:
        counter = _Counted(election, "equalshares", seed, None, None)
        basis = "equalshares"
    results = []
    for p in left_out:
        cost, exact = counter.max_cost(p)
        extra, more = counter.extra_supporters(p) if want_extra else (None, None)
        results.append(
            WhatItWouldTake(
                election.project_ids[p],
                None if cost is None else as_money(cost, election.scale),
                exact,
                extra,
                more,
                basis,
            )
        )
    return results


def _lottery(seed: str, project_id: str) -> str:
    from pb.tally.ties import lottery_key

    return lottery_key(seed, project_id)


#: A project's place in the greedy walk: (-score, cost, -supporters, lottery), smallest first.
_Key = tuple[int, int, int, str]


class _Greedy:
    def __init__(self, election: Election, seed: str) -> None:
        self.e = election
        self.costs = election.unit_costs.tolist()
        self.scores = election.scores.tolist()
        self.supporters = election.supporters.tolist()
        self.lots = [_lottery(seed, pid) for pid in election.project_ids]
        self.budget = Fraction(election.budget) * election.scale

    def _key(
        self,
        i: int,
        cost: int | None = None,
        score: int | None = None,
        supporters: int | None = None,
    ) -> _Key:
        """Project i's place in the greedy walk (higher score first; ties: cheaper, more
        supporters, lottery), or the place it would have with another cost, score or support."""
        return (
            -(self.scores[i] if score is None else score),
            self.costs[i] if cost is None else cost,
            -(self.supporters[i] if supporters is None else supporters),
            self.lots[i],
        )

    def _left_at(self, p: int, key: _Key) -> Fraction:
        """Money left when the walk reaches p, if p's ranking key is ``key``."""
        left = self.budget
        others = sorted(
            (i for i in range(len(self.costs)) if i != p and self.supporters[i] > 0),
            key=self._key,
        )
        for i in others:
            if self._key(i) >= key:
                break
            if self.costs[i] <= left:
                left -= self.costs[i]
        return left

    def max_cost(self, p: int) -> tuple[Fraction | None, bool]:
        # Costs where p's place among equal scores changes: the other costs, and one unit
        # either side. Between them the money left at p's turn is fixed.
        tied = {self.costs[i] for i in range(len(self.costs)) if self.scores[i] == self.scores[p]}
        marks = sorted({c + d for c in tied for d in (0, 1)} | {1})
        best: Fraction | None = None
        for low, high in zip(marks, [*marks[1:], math.inf], strict=True):
            if low < 1:
                continue
            left = self._left_at(p, self._key(p, cost=low))
            candidate = min(left, Fraction(high - 1) if high != math.inf else left)
            # Within [low, high) the place is that of ``low``; it fits up to ``left``.
            fits = self._left_at(p, self._key(p, cost=int(candidate))) >= int(candidate)
            if candidate >= low and (best is None or candidate > best) and fits:
                best = Fraction(int(candidate))
        return best, True

    def extra_supporters(self, p: int) -> tuple[int | None, int | None]:
        if self.costs[p] > self.budget:
            return None, None  # no number of votes makes it fit
        # Each extra supporter adds one vote and one supporter; the first k that fits.
        others = sorted(
            (i for i in range(len(self.costs)) if i != p and self.supporters[i] > 0),
            key=self._key,
        )
        needed = [0]
        for i in others:
            # Votes to rank above i: strictly more, or as many and ahead on the tie-break.
            k = self.scores[i] - self.scores[p]
            if self._key(p, score=self.scores[i], supporters=self.supporters[p] + max(k, 0)) > (
                self._key(i)
            ):
                k += 1
            needed.append(max(k, 0))
        for k in sorted(set(needed)):
            key = self._key(p, score=self.scores[p] + k, supporters=self.supporters[p] + k)
            if self._left_at(p, key) >= self.costs[p]:
                return k, None
        return None, None


class _Counted:
    """Equal Shares and the rules built on it: exact counts settle every figure."""

    def __init__(
        self,
        election: Election,
        rule: str,
        seed: str,
        add1_step: Money | None,
        endowment: Fraction | None,
    ) -> None:
        self.e = election
        self.rule = rule
        self.seed = seed
        self.step = add1_step
        self.endowment = endowment
        self.budget = Fraction(election.budget) * election.scale

    def _funded(self, election: Election, p: int) -> bool:
        from pb.tally.rules import run

        if self.endowment is None:
            result = run(election, self.rule, self.seed, add1_step=self.step)
            return self.e.project_ids[p] in result.selected
        # Add1: the equal shares run that decided the outcome, at its endowment per voter.
        from pb.tally.mes import EqualSharesRun
        from pb.tally.support import support_of
        from pb.tally.ties import tie_ranks

        costs = election.unit_costs.tolist()
        ranks = tie_ranks(election, self.seed).tolist()
        counts = election.profile.counts
        chosen = (
            EqualSharesRun(support_of(election), costs, ranks, counts, self.endowment).run().chosen
        )
        return p in chosen

    def _with_cost(self, p: int, cost: int) -> Election:
        e = self.e
        projects = dict(e.projects)
        projects[e.project_ids[p]] = as_money(cost, e.scale)
        return Election(projects, e.budget, e.vote_type, e.profile)

    def max_cost(self, p: int) -> tuple[Fraction | None, bool]:
        # The threshold is between 1 and the supporters' whole endowment; search it with exact
        # counts. For plain Equal Shares the funded costs are all those up to it (module
        # docstring), so the search is exact; otherwise the edge found is checked both sides.
        unit_cost = int(self.e.unit_costs[p])
        if not self._funded(self._with_cost(p, 1), p):
            return None, True
        low, high = 1, unit_cost  # funded at low, not at high (it was left out at its cost)
        while high - low > 1:
            mid = (low + high) // 2
            if self._funded(self._with_cost(p, mid), p):
                low = mid
            else:
                high = mid
        return Fraction(low), True

    def extra_supporters(self, p: int) -> tuple[int | None, int | None]:
        for k in range(1, SCAN_LIMIT + 1):
            if self._funded(_with_extra(self.e, p, k), p):
                return k, None
        return None, SCAN_LIMIT


def _with_extra(election: Election, p: int, k: int) -> Election:
    """The election with ``k`` more voters whose ballot backs project ``p`` alone."""
    prof = election.profile
    weight = (
        int(prof.weights.max()) if election.vote_type != "approval" and len(prof.weights) else 1
    )
    indptr = np.append(prof.indptr, prof.indptr[-1] + 1)
    items = np.append(prof.items, p)
    weights = np.append(prof.weights, weight)
    counts = np.append(prof.counts, k)
    return Election(
        election.projects,
        election.budget,
        election.vote_type,
        Profile(indptr, items, weights, counts),
    )
