"""The figures residents read off a published result: money, turnout and who got something.

Shared by the results page and the "goes local" dashboard, so both count the same way.
"""

from dataclasses import dataclass
from fractions import Fraction

from pb.money import minor_from_json
from pb.pots.services import eligible_count
from pb.results.models import Result


def percent(part: int | Fraction, whole: int | Fraction | None, places: int = 1) -> float | None:
    """`part` as a percentage of `whole`, rounded for people; None when `whole` is zero or
    not known."""
    if not whole:
        return None
    return round(float(Fraction(part) * 100 / Fraction(whole)), places)


def per_head(amount: int, people: int | None) -> int | None:
    """Minor units per person, rounded to the nearest one (halves up); None with no people."""
    if not people or people <= 0:
        return None
    return (2 * amount + people) // (2 * people)


@dataclass(frozen=True)
class ResultFigures:
    """The headline numbers of one published result."""

    budget: int
    spent: int
    left: int
    funded: list[dict]  # outcome projects that were funded, in the order chosen
    ballots_online: int
    ballots_paper: int
    eligible: int | None  # None: not known
    turnout_percent: float | None
    covered_percent: float | None  # None when no one voted

    @property
    def ballots(self) -> int:
        return self.ballots_online + self.ballots_paper


def result_figures(pot, result: Result) -> ResultFigures:
    """Money spent and left, turnout and the share of voters who got a project they backed."""
    outcome = result.outcome
    budget = minor_from_json(outcome["budget"])
    spent = minor_from_json(outcome["total_cost"])
    by_id = {p["project_id"]: p for p in outcome["projects"]}
    ballots = result.ballots_online + result.ballots_paper
    eligible = eligible_count(pot)
    return ResultFigures(
        budget=budget,
        spent=spent,
        left=budget - spent,
        funded=[by_id[pid] for pid in outcome["selected"]],
        ballots_online=result.ballots_online,
        ballots_paper=result.ballots_paper,
        eligible=eligible,
        turnout_percent=percent(ballots, eligible),
        covered_percent=percent(outcome["covered_voters"], outcome["voters"]),
    )
