"""The Method of Equal Shares, plain and with the add1 completion, as outcomes with reasons."""

from __future__ import annotations

import math
from fractions import Fraction

from pb.tally.certify import Attempt, attempt
from pb.tally.coverage import replay_coverage
from pb.tally.election import Election, Money, as_money, covered_voters
from pb.tally.mes import EqualSharesRun, RunResult, balance_error
from pb.tally.outcome import Outcome, ProjectResult, format_money
from pb.tally.support import Support, support_of
from pb.tally.ties import tie_ranks


def equal_shares(election: Election, seed: str = "") -> Outcome:
    """Method of Equal Shares with cost utilities, without completion.

    Every voter starts with budget / n. Each round funds the affordable project whose
    supporters can cover its cost at the lowest price per unit of utility (ties: cheaper,
    more supporters, lottery), each paying the price times their utility or all they have.
    """
    tally = _Tally(election, seed)
    return tally.outcome("equalshares", tally.base, None)


def equal_shares_add1(election: Election, seed: str = "", step: Money | None = None) -> Outcome:
    """Equal shares from endowments budget/n + k * step, k = 0, 1, 2, ...: the last that fits.

    Stops at the first k whose outcome would cost more than the budget and returns the outcome
    of k - 1 (no early stop when an outcome is exhaustive), exactly as pabutools'
    exhaustion_by_budget_increase with budget_step = step x voters. ``step`` is money per voter
    in the units the costs are given in (default 1: one whole unit of them). If even all
    supported projects fit in the budget no k overspends; the outcome is then the one every
    large enough endowment gives.

    Steps whose outcome cannot differ are jumped over: :func:`certify.same_outcome` proves a
    whole range of endowments gives one outcome, so the count's time hardly depends on the step.
    """
    tally = _Tally(election, seed)
    costs = tally.costs
    unit = Fraction(1 if step is None else step) * election.scale
    if unit <= 0:
        raise ValueError(f"the Add1 step must be positive, not {step}")
    budget = Fraction(election.budget) * election.scale
    supported = [p for p in range(len(costs)) if tally.support.voters[p] > 0]
    if sum(costs[p] for p in supported) <= budget:
        # From an endowment covering every cost, nobody ever runs short, so the outcome no
        # longer changes: that limit is what "the largest k that fits" means here.
        k = max(0, math.ceil((sum(costs[p] for p in supported) - tally.base) / unit))
    else:
        k = _last_fitting_step(tally, unit, budget)
    step_money = as_money(unit, election.scale)
    return tally.outcome("equalshares/add1", tally.base + k * unit, k, step_money)


def _last_fitting_step(tally: _Tally, unit: Fraction, budget: Fraction) -> int:
    """The largest k such that every step 0..k fits the budget (the Add1 answer).

    Steps 0..k are known to fit; each proof attempt covers the steps right after them, from
    k + 1 on, and its proven outcome, the same as step k's or a new one, is that of every
    step it covers: if it fits, k moves to the last step covered, and if not, step k + 1 is
    the first that overspends. An attempt may narrow its range to just before an endowment
    where a decision would flip (keeping at least step k + 1), so it stops at the last step
    before the next change of outcome instead of failing. Only the widths asked for are
    guessed: the next is as wide as the last proof's guess from its end
    (:class:`certify.Attempt`), at most ``_GROWTH`` times what was asked, but at least as
    wide as that proof covered; after a failure, as wide as its guess from its start but at
    most half as wide. Where not even step k + 1 can be proven, it is run exactly. Every
    step below the answer is proven or run.
    """
    costs = tally.costs
    k, width = 0, 1  # steps 0..k fit; the next attempt asks for steps k + 1 .. k + 1 + width
    while True:
        low = _float_down(tally.base + (k + 1) * unit)
        high = _float_up(tally.base + (k + 1 + width) * unit)
        # Narrowed, a proof still covers step k + 1 (its endowment rounded up, not down).
        proof = tally.attempt(low, high, _float_up(tally.base + (k + 1) * unit))
        if proof.chosen is not None:
            if sum(costs[p] for p in proof.chosen) > budget:
                return k
            start = k
            # Every step whose endowment is at most the proven end is covered (at least k + 1).
            k = k + 1 + width if proof.high >= high else _last_step(tally, unit, proof.high)
            # The guess from the end counts from step k: the next attempt starts a step on.
            guess = min(_steps(proof.ahead, unit) - 1, _GROWTH * width)
            width = max(1, k - start - 1, guess)  # asked for: steps beyond the first
        elif width > 1:
            width = max(1, min(_steps(proof.reach, unit), width // 2))
        else:
            chosen = tally.run(tally.base + (k + 1) * unit).chosen
            if sum(costs[p] for p in chosen) > budget:
                return k
            k += 1


def _last_step(tally: _Tally, unit: Fraction, endowment: float) -> int:
    """The last step whose endowment is at most ``endowment``."""
    return math.floor((Fraction(endowment) - tally.base) / unit)


#: The most a jump grows after one proven jump: guesses assume linearity, which bends break.
_GROWTH = 1024


def _steps(width: float, unit: Fraction) -> int:
    """Whole steps in a guessed width of endowment: 0 if it is not positive, huge if infinite."""
    if not width > 0:
        return 0
    if math.isinf(width):
        return 1 << 62
    return int(Fraction(width) / unit)


def _float_down(value: Fraction) -> float:
    x = float(value)
    return x if Fraction(x) <= value else math.nextafter(x, -math.inf)


def _float_up(value: Fraction) -> float:
    x = float(value)
    return x if Fraction(x) >= value else math.nextafter(x, math.inf)


class _Tally:
    """What every equal-shares run on one election shares."""

    def __init__(self, election: Election, seed: str) -> None:
        self.election = election
        self.seed = seed
        self.support: Support = support_of(election)
        self.costs: list[int] = election.unit_costs.tolist()
        self.ranks: list[int] = tie_ranks(election, seed).tolist()
        voters = election.profile.num_voters
        self.base = Fraction(election.budget) * election.scale / voters if voters else Fraction(0)

    def attempt(self, low: float, high: float, least: float | None = None) -> Attempt:
        """The choices equal shares makes for every endowment in [low, high], if provably one,
        and how far such proofs would reach (:class:`certify.Attempt`)."""
        counts = self.election.profile.counts
        return attempt(self.support, self.costs, self.ranks, counts, low, high, least)

    def run(self, endowment: Fraction, record: bool = False) -> RunResult:
        counts = self.election.profile.counts
        return EqualSharesRun(self.support, self.costs, self.ranks, counts, endowment, record).run()

    def outcome(
        self, rule: str, endowment: Fraction, steps: int | None, step: Money | None = None
    ) -> Outcome:
        election, scale = self.election, self.election.scale
        result = self.run(endowment, record=True)
        round_of = {p: r for r, p in enumerate(result.chosen, start=1)}
        voters = self.support.voters.tolist()
        left_out = [p for p in range(len(self.costs)) if p not in round_of and voters[p] > 0]
        best, left = replay_coverage(
            self.support,
            self.costs,
            election.profile.num_groups,
            float(endowment),
            result,
            left_out,
        )
        explained = {
            p: (self._money_left(p, float(money), result), effective)
            for p, money, effective in zip(left_out, left.tolist(), best.tolist(), strict=True)
        }
        scores = election.scores.tolist()
        results = []
        for p, pid in enumerate(election.project_ids):
            reason = None
            effective = None
            money = None
            if p in explained:
                money, share = explained[p]
                # Rounded down, so a project that fell short reads below 100% (unless short by
                # under a millionth of a permille); the nudge keeps a tie lost on the lottery
                # (exactly 100%) from reading 99.9%. A figure shown, not a decision: EXACTNESS.md.
                effective = math.floor(share * 1000 + 1e-6) / 10
                reason = (
                    f"its supporters had {format_money(money)} of the "
                    f"{format_money(as_money(self.costs[p], scale))} it costs "
                    f"(effective support {effective:.1f}%)"
                )
            elif p not in round_of:
                reason = "no supporters"
            results.append(
                ProjectResult(
                    project_id=pid,
                    cost=election.projects[pid],
                    supporters=voters[p],
                    score=scores[p],
                    selected=p in round_of,
                    round=round_of.get(p),
                    reason=reason,
                    effective_support=effective,
                    supporters_money=money,
                )
            )
        return Outcome(
            rule=rule,
            seed=self.seed,
            budget=election.budget,
            selected=tuple(election.project_ids[p] for p in result.chosen),
            total_cost=as_money(sum(self.costs[p] for p in result.chosen), scale),
            voters=election.profile.num_voters,
            covered_voters=covered_voters(election, result.chosen),
            projects=tuple(results),
            endowment=as_money(endowment, scale),
            add1_steps=steps,
            add1_step=step,
        )

    def _money_left(self, p: int, left: float, result: RunResult) -> int | Fraction:
        """Supporters' money at the end, rounded down to a hundredth of a currency unit.

        Floats give it unless they are too close to a hundredth to tell; then the ledger does
        (the slack is derived in EXACTNESS.md section 6).
        """
        ledger, scale = result.ledger, self.election.scale
        part = self.support.slice(p)
        drift = balance_error(ledger.rounds, float(ledger.endowment))
        slack = (
            drift * float(self.support.voters[p]) + (part.stop - part.start + 8) * 2.0**-52 * left
        )
        low = math.floor((left - slack) * 100 / scale)
        if low != math.floor((left + slack) * 100 / scale):
            exact = Fraction(ledger.scaled_total(self.support.group[part]), ledger.denominator)
            low = math.floor(exact * 100 / scale)
        return as_money(Fraction(max(low, 0), 100))
