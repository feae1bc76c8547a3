"""A deliberately naive tally in exact fractions, one voter at a time, to check the engine by.

It follows the rule text word for word and shares no code with pb.tally.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction


def weights_of(ballot, vote_type: str, length: int) -> dict[str, int]:
    if vote_type == "approval":
        return {p: 1 for p in ballot}
    if vote_type == "ordinal":
        return {p: length - r for r, p in enumerate(ballot)}
    return {p: w for p, w in ballot.items() if w > 0}


def tie_key(costs, supporters, seed):
    return lambda p: (costs[p], -supporters[p], hashlib.sha256(f"{seed}:{p}".encode()).hexdigest())


def naive(costs: dict[str, int], budget: int, ballots: list[dict[str, int]], rule: str, seed=""):
    """Selected project ids in order, and for add1 the k reached."""
    supporters = {p: sum(1 for b in ballots if b.get(p, 0) > 0) for p in costs}
    key = tie_key(costs, supporters, seed)
    if rule == "greedy":
        score = {p: sum(b.get(p, 0) for b in ballots) for p in costs}
        left, chosen = Fraction(budget), []
        for p in sorted((p for p in costs if score[p] > 0), key=lambda p: (-score[p], key(p))):
            if costs[p] <= left:
                chosen.append(p)
                left -= costs[p]
        return chosen, None
    base = Fraction(budget, len(ballots)) if ballots else Fraction(0)
    if rule == "equalshares":
        return mes(costs, ballots, base, key), None
    k = 0
    while True:
        if base + k >= sum(c for p, c in costs.items() if supporters[p]):
            return mes(costs, ballots, base + k, key), k  # nobody can run short any more
        trial = mes(costs, ballots, base + k + 1, key)
        if sum(costs[p] for p in trial) > budget:
            return mes(costs, ballots, base + k, key), k
        k += 1


def mes(costs, ballots, endowment, key):
    money = [Fraction(endowment)] * len(ballots)
    left = [p for p in costs if any(b.get(p, 0) > 0 for b in ballots)]
    chosen = []
    while True:
        best = None
        for p in left:
            backers = [i for i, b in enumerate(ballots) if b.get(p, 0) > 0]
            if sum(money[i] for i in backers) < costs[p]:
                continue
            utility = {i: ballots[i][p] * costs[p] for i in backers}
            # Smallest rho with sum_i min(money_i, rho * u_i) = cost: try each voter as the
            # richest one still paying in full, poorest first.
            order = sorted(backers, key=lambda i: money[i] / utility[i])
            paid, rest = Fraction(0), sum(utility.values())
            for i in order:
                rho = (costs[p] - paid) / rest
                if rho * utility[i] <= money[i]:
                    break
                paid += money[i]
                rest -= utility[i]
            if best is None or (rho, key(p)) < (best[0], key(best[1])):
                best = (rho, p)
        if best is None:
            return chosen
        rho, p = best
        for i, b in enumerate(ballots):
            if b.get(p, 0) > 0:
                money[i] -= min(money[i], rho * b[p] * costs[p])
        chosen.append(p)
        left.remove(p)
