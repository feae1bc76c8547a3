"""The result of a tally, with a reason for every project, ready for people and for JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from pb.tally.election import Money


@dataclass(frozen=True)
class ProjectResult:
    """What happened to one project and why.

    ``score`` is its total weight (votes or points) and ``supporters`` the number of voters
    giving it any; ``round`` is when it was chosen (1 = first). For a project left out,
    ``reason`` says why in plain words; under equal shares ``effective_support`` is the largest
    share of its cost (in percent) its supporters could have paid at the going rate of any
    round, and ``supporters_money`` what they had left at the end.
    """

    project_id: str
    cost: Money
    supporters: int
    score: int
    selected: bool
    round: int | None
    reason: str | None
    effective_support: float | None = None
    supporters_money: Money | None = None
    remaining_budget: Money | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values (money as int, or a decimal string if fractional)."""
        return {
            "project_id": self.project_id,
            "cost": money_json(self.cost),
            "supporters": self.supporters,
            "score": self.score,
            "selected": self.selected,
            "round": self.round,
            "reason": self.reason,
            "effective_support": self.effective_support,
            "supporters_money": None
            if self.supporters_money is None
            else money_json(self.supporters_money),
            "remaining_budget": None
            if self.remaining_budget is None
            else money_json(self.remaining_budget),
        }


@dataclass(frozen=True)
class Comparison:
    """The comparison step's vote: Equal Shares' outcome against greedy's.

    ``prefer_*`` count voters whose ballot names more funded projects under that outcome;
    ``chosen`` is "greedy" only when strictly more voters prefer it.
    """

    equal_shares_rule: str
    equal_shares_selected: tuple[str, ...]
    equal_shares_cost: Money
    greedy_selected: tuple[str, ...]
    greedy_cost: Money
    prefer_equal_shares: int
    prefer_greedy: int
    indifferent: int
    chosen: str
    add1_step: Money | None = None
    add1_steps: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The vote as JSON-ready values."""
        return {
            "equal_shares_rule": self.equal_shares_rule,
            "equal_shares_selected": list(self.equal_shares_selected),
            "equal_shares_cost": money_json(self.equal_shares_cost),
            "greedy_selected": list(self.greedy_selected),
            "greedy_cost": money_json(self.greedy_cost),
            "prefer_equal_shares": self.prefer_equal_shares,
            "prefer_greedy": self.prefer_greedy,
            "indifferent": self.indifferent,
            "chosen": self.chosen,
            "add1_step": None if self.add1_step is None else money_json(self.add1_step),
            "add1_steps": self.add1_steps,
        }


@dataclass(frozen=True)
class Outcome:
    """The funded projects in order of selection, the parameters used, and every explanation.

    ``endowment`` is the money each voter started with in the run that decided the outcome
    (equal shares only), ``add1_step`` the money per voter Add1 raises it by each step and
    ``add1_steps`` how many steps it was raised (Add1 only).
    ``covered_voters`` counts voters with at least one funded project they supported;
    ``comparison`` holds the vote between Equal Shares and greedy (comparison rules only).
    """

    rule: str
    seed: str
    budget: Money
    selected: tuple[str, ...]
    total_cost: Money
    voters: int
    covered_voters: int
    projects: tuple[ProjectResult, ...]
    endowment: Money | None = None
    add1_steps: int | None = None
    add1_step: Money | None = None
    comparison: Comparison | None = None

    @property
    def covered_share(self) -> Fraction:
        """Share of voters with at least one funded project they supported (0 if no voters)."""
        return Fraction(self.covered_voters, self.voters) if self.voters else Fraction(0)

    def project(self, project_id: str) -> ProjectResult:
        """The result for one project, by id."""
        for result in self.projects:
            if result.project_id == project_id:
                return result
        raise KeyError(project_id)

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready values; ``selected`` keeps the order of selection."""
        return {
            "rule": self.rule,
            "seed": self.seed,
            "budget": money_json(self.budget),
            "selected": list(self.selected),
            "total_cost": money_json(self.total_cost),
            "voters": self.voters,
            "covered_voters": self.covered_voters,
            "covered_share": round(float(self.covered_share), 6),
            "endowment": None if self.endowment is None else money_json(self.endowment),
            "add1_steps": self.add1_steps,
            "add1_step": None if self.add1_step is None else money_json(self.add1_step),
            "comparison": None if self.comparison is None else self.comparison.to_dict(),
            "projects": [p.to_dict() for p in self.projects],
        }


def money_json(value: Money) -> int | str:
    """Whole amounts as ints; anything else as an exact decimal string or "p/q"."""
    value = Fraction(value)
    if value.denominator == 1:
        return int(value)
    text = _decimal(value)
    return text if text is not None else f"{value.numerator}/{value.denominator}"


def format_money(value: Money) -> str:
    """Money for people: thousands separated by commas, at most two decimals, never rounded up.

    Rounding down matters in reasons: supporters who had 39,999.999 of 40,000 must not read
    as having had all of it.
    """
    value = Fraction(value)
    sign = "-" if value < 0 else ""
    cents = math.floor(abs(value) * 100)
    whole, frac = divmod(cents, 100)
    text = f"{whole:,}"
    if frac:
        text += f".{frac:02d}".rstrip("0")
    return sign + text


def _decimal(value: Fraction) -> str | None:
    """The exact decimal digits of ``value`` if it has a finite decimal expansion."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return None
    places = max(twos, fives)
    scaled = abs(value.numerator) * 10**places // value.denominator
    whole, frac = divmod(scaled, 10**places)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{frac:0{places}d}"
