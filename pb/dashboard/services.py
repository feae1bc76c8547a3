"""Where the council's money goes: one year's pots, ward by ward, from budget to delivery.

`goes_local(year)` is the one place these figures are worked out; the page, the CSV and JSON
downloads (and any API) all show what it returns, so they cannot disagree.
"""

import csv
import io

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb.councils.models import Council, site_council
from pb.extensions import db
from pb.money import minor_from_json
from pb.pots.models import Phase, Pot
from pb.pots.services import eligible_count
from pb.proposals.models import DeliveryStatus, Proposal
from pb.results.figures import per_head, percent
from pb.results.services import latest
from pb.timeutil import today
from pb.voting.models import Ballot

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
TOTAL = "Total"
# Ballots and turnout count once voting has closed: a running count is not shown publicly.
COUNTED_PHASES = ("closed", "published")

# The figures of one row, in the order of the CSV columns. Money is in integer minor units
# of the council's currency (pence for GBP), which the CSV names in its `currency` column.
FIGURES = (
    "pots",
    "amount",
    "share_percent",
    "population",
    "amount_per_resident",
    "proposals",
    "ballots",
    "eligible",
    "turnout_percent",
    "funded_projects",
    "funded",
    "delivered_projects",
    "delivered",
)
CSV_HEADER = (
    "year",
    "council",
    "currency",
    "council_annual_budget_minor",
    "area",
    "ward_code",
    "pots",
    "amount_minor",
    "share_of_annual_budget_percent",
    "population",
    "amount_per_resident_minor",
    "proposals",
    "ballots",
    "eligible_residents",
    "turnout_percent",
    "funded_projects",
    "funded_minor",
    "delivered_projects",
    "delivered_minor",
)


class YearError(ValueError):
    """The year asked for is not a year the dashboard can show."""


def parse_year(text: str | None) -> int | None:
    """A year from the query string; None when none was given. Raises YearError otherwise."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise YearError(_("Choose a year as four digits, like %(year)s.", year=today().year))
    year = int(text)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise YearError(
            _(
                "Choose a year from %(EARLIEST_YEAR)s to %(LATEST_YEAR)s.",
                EARLIEST_YEAR=EARLIEST_YEAR,
                LATEST_YEAR=LATEST_YEAR,
            )
        )
    return year


def councils() -> list[Council]:
    """Every council on the site: its own, and any whose elections were imported."""
    return list(db.session.scalars(select(Council).order_by(Council.id)))


def current_council() -> Council | None:
    """The council this site serves (the first one set up)."""
    return site_council()


def _public_pots(council: Council):
    # Drafts are not announced yet, so they are not money residents can see going local.
    return select(Pot).where(Pot.council_id == council.id, Pot.phase != Phase.DRAFT)


def years(council: Council) -> list[int]:
    """Years that have a public pot, newest first."""
    query = _public_pots(council).with_only_columns(Pot.year).distinct().order_by(Pot.year.desc())
    return list(db.session.scalars(query))


def default_year(council: Council) -> int:
    """The latest year with a pot, or this year when there is none yet."""
    found = years(council)
    return found[0] if found else today().year


def _counts(column, pot_ids: list[int], *conditions) -> dict[int, int]:
    if not pot_ids:
        return {}
    query = select(column, func.count()).where(column.in_(pot_ids), *conditions).group_by(column)
    return {pot_id: n for pot_id, n in db.session.execute(query)}


def pot_figures(pots: list[Pot]) -> dict[int, dict]:
    """Each pot's own figures (the rows of the dashboard add these up)."""
    ids = [p.id for p in pots]
    proposals = _counts(Proposal.pot_id, ids)
    counted = [p.id for p in pots if p.phase in COUNTED_PHASES]
    ballots = _counts(Ballot.pot_id, counted)
    figures = {}
    for pot in pots:
        result = latest(pot, published=True) if pot.phase == Phase.PUBLISHED else None
        funded_ids, costs = [], {}
        if result is not None:
            costs = {
                p["project_id"]: minor_from_json(p["cost"]) for p in result.outcome["projects"]
            }
            funded_ids = [int(pid) for pid in result.outcome["selected"]]
        delivered_ids = _delivered(funded_ids)
        figures[pot.id] = {
            "pots": 1,
            "amount": pot.amount,
            "proposals": proposals.get(pot.id, 0),
            "ballots": ballots.get(pot.id, 0),
            "eligible": eligible_count(pot) if pot.phase in COUNTED_PHASES else 0,
            "funded_projects": len(funded_ids),
            "funded": minor_from_json(result.outcome["total_cost"]) if result else 0,
            "delivered_projects": len(delivered_ids),
            "delivered": sum(costs[str(pid)] for pid in delivered_ids),
        }
    return figures


def _delivered(proposal_ids: list[int]) -> list[int]:
    if not proposal_ids:
        return []
    query = select(Proposal.id).where(
        Proposal.id.in_(proposal_ids), Proposal.delivery_status == DeliveryStatus.DELIVERED
    )
    return list(db.session.scalars(query))


_SUMMED = (
    "pots",
    "amount",
    "proposals",
    "ballots",
    "eligible",
    "funded_projects",
    "funded",
    "delivered_projects",
    "delivered",
)


def _total(values) -> int | None:
    """A sum that is not known when one of its parts is not (None)."""
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def _row(
    area: str, code: str | None, population: int | None, parts: list[dict], budget: int | None
) -> dict:
    totals = {key: _total(p[key] for p in parts) for key in _SUMMED}
    amount, ballots = totals["amount"], totals["ballots"]
    return {
        "area": area,
        "ward_code": code,
        "population": population,
        **totals,
        "share_percent": None if amount is None else percent(amount, budget, 2),
        "amount_per_resident": None if amount is None else per_head(amount, population),
        "turnout_percent": None if ballots is None else percent(ballots, totals["eligible"]),
    }


def goes_local(year: int, council: Council | None = None) -> dict:
    """One year's devolved money, per ward and in total, from the council's budget to delivery.

    Money is in integer minor units of the council's currency. A ward's row adds up its pots
    of the year; council-wide pots form the "All wards" row. Turnout is ballots over eligible
    residents of the pots whose voting has closed; funded is the money of the latest
    published result, delivered the part of it whose projects the panel has marked delivered.
    """
    council = council or current_council()
    if council is None:
        raise LookupError(_("no council has been set up"))
    pots = list(db.session.scalars(_public_pots(council).where(Pot.year == year)))
    figures = pot_figures(pots)
    budget = council.annual_budget
    population = _total(w.population for w in council.wards)

    areas = [
        _row(
            ward.name,
            ward.code,
            ward.population,
            [figures[p.id] for p in pots if p.ward_id == ward.id],
            budget,
        )
        for ward in council.wards
    ]
    council_wide = [figures[p.id] for p in pots if p.ward_id is None]
    if council_wide:
        areas.append(_row(_("All wards"), None, population, council_wide, budget))
    totals = _row(TOTAL, None, population, list(figures.values()), budget)
    return {
        "year": year,
        "years": years(council),
        "money": f"integer minor units of {council.currency}",
        "currency": council.currency,
        "council": {"name": council.name, "annual_budget": budget},
        "devolved": totals["amount"],
        "devolved_percent": totals["share_percent"],
        "areas": areas,
        "totals": totals,
    }


def as_csv(figures: dict) -> str:
    """The dashboard as CSV: one line per area, then the total (money in minor units)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    council = figures["council"]
    for row in [*figures["areas"], figures["totals"]]:
        writer.writerow(
            [
                figures["year"],
                _spreadsheet_safe(council["name"]),
                figures["currency"],
                "" if council["annual_budget"] is None else council["annual_budget"],
                _spreadsheet_safe(row["area"]),
                _spreadsheet_safe(row["ward_code"] or ""),
                *("" if row[key] is None else row[key] for key in FIGURES),
            ]
        )
    return out.getvalue()


def _spreadsheet_safe(text: str) -> str:
    # A name starting like a formula would run as one when the file is opened in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
