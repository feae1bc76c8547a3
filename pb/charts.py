"""Chart layouts for server-side SVG: numbers in, shapes with positions out.

The templates in templates/dashboard/_charts.html draw these as inline SVG, so a chart needs
no JavaScript and carries its own title and description. Every chart is 360 units wide and
scales to the page (viewBox, width 100%), so it stays readable on a 360px phone.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from pb.i18n import number, percent
from pb.money import minor_from_json

WIDTH = 360
PAD = 8
ROW = 54  # height of one project row: its name, then its figures, then its bars (no overlap)
AREA_ROW = 54  # height of one area row: its name, its figures, then its bar
BAR = 12  # height of a bar
HEADER = 44  # room for column headings and the budget label
LABEL_CHARS = 24  # longer names are cut short; the full name is in the table and the tooltip


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """Cut a label to `limit` characters, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _score(n: int, score_word: str) -> str:
    if score_word == "point":
        return ngettext("%(num)s point", "%(num)s points", n)
    return ngettext("%(num)s vote", "%(num)s votes", n)


def _count(n: int, word: str) -> str:
    """ "3 pots", "1 ballot": each word its own message, so every language can inflect it."""
    forms = {
        "pot": ngettext("%(num)s pot", "%(num)s pots", n),
        "project": ngettext("%(num)s project", "%(num)s projects", n),
        "ballot": ngettext("%(num)s ballot", "%(num)s ballots", n),
    }
    return forms[word]


def _scale(value: float, largest: float, span: float) -> float:
    return round(span * value / largest, 1) if largest > 0 else 0.0


# Results: votes and cost per project, against the pot's budget.


@dataclass(frozen=True)
class ProjectRow:
    title: str  # the full name, for the tooltip
    label: str  # the name as drawn
    text: str  # "12 votes, £300"
    funded: bool
    y: float  # top of the row
    vote_width: float
    cost_x: float  # where the project's cost starts on the money axis
    cost_width: float


@dataclass(frozen=True)
class ResultsChart:
    title: str
    desc: str
    height: float
    rows: list[ProjectRow]
    votes_x: float
    money_x: float
    column: float  # width of each of the two columns
    budget_x: float
    budget_label: str
    budget_anchor: str  # "start" or "end", so the label stays inside the chart
    score_heading: str  # "Votes" or "Points"
    width: int = WIDTH
    bar: int = BAR


def results_chart(
    projects: list[dict],
    titles: dict[str, str],
    budget: int,
    score_word: str,
    money: Callable[[int], str],
) -> ResultsChart:
    """Votes per project (left) and cost added up in the order projects were funded (right).

    `projects` come from the outcome, funded ones first in the order chosen. A funded project's
    cost bar starts where the previous one ended, so the last one ends at the money spent; an
    unfunded project's cost is drawn in outline from there, showing whether it would have
    fitted under the budget line.
    """
    column = (WIDTH - 2 * PAD - 16) / 2
    votes_x, money_x = PAD, PAD + column + 16
    spent = sum(minor_from_json(p["cost"]) for p in projects if p["selected"])
    unfunded = [minor_from_json(p["cost"]) for p in projects if not p["selected"]]
    axis = max(budget, spent + max(unfunded, default=0), 1)
    top_score = max((p["score"] for p in projects), default=0)

    rows, running = [], 0
    for index, project in enumerate(projects):
        cost = minor_from_json(project["cost"])
        start = running if project["selected"] else spent
        if project["selected"]:
            running += cost
        title = titles.get(project["project_id"]) or _("Project %(id)s", id=project["project_id"])
        rows.append(
            ProjectRow(
                title=title,
                label=shorten(title),
                text=_(
                    "%(score)s, %(money)s",
                    score=_score(project["score"], score_word),
                    money=money(cost),
                ),
                funded=project["selected"],
                y=HEADER + index * ROW,
                vote_width=_scale(project["score"], top_score, column),
                cost_x=round(money_x + _scale(start, axis, column), 1),
                cost_width=_scale(cost, axis, column),
            )
        )
    budget_x = round(money_x + _scale(budget, axis, column), 1)
    funded = sum(1 for p in projects if p["selected"])
    left = (
        _("Left: each project's points.")
        if score_word == "point"
        else _("Left: each project's votes.")
    )
    desc = " ".join(
        [
            _(
                "%(projects)s: %(funded)s funded, costing %(spent)s of the %(budget)s budget, "
                "leaving %(left)s.",
                projects=_count(len(projects), "project"),
                funded=number(funded),
                spent=money(spent),
                budget=money(budget),
                left=money(budget - spent),
            ),
            left,
            _(
                "Right: funded projects' costs added up in the order they were chosen, against "
                "the budget line; unfunded projects' costs in outline after them. The table "
                "below gives every figure."
            ),
        ]
    )
    return ResultsChart(
        title=(
            _("Points and cost of every project, with the budget line")
            if score_word == "point"
            else _("Votes and cost of every project, with the budget line")
        ),
        desc=desc,
        height=HEADER + len(projects) * ROW + PAD,
        rows=rows,
        votes_x=votes_x,
        money_x=money_x,
        column=column,
        budget_x=budget_x,
        budget_label=_("Budget %(money)s", money=money(budget)),
        budget_anchor="end" if budget_x > money_x + column / 2 else "start",
        score_heading=_("Points") if score_word == "point" else _("Votes"),
    )


# Dashboard: one bar per area, with an optional inner bar (delivered within funded).


@dataclass(frozen=True)
class BarItem:
    label: str
    value: float
    text: str  # the value as people read it
    inner: float | None = None  # drawn inside the bar, e.g. the delivered part of the funded


@dataclass(frozen=True)
class Bar:
    title: str
    label: str
    text: str
    y: float
    width: float
    inner_width: float | None


@dataclass(frozen=True)
class BarChart:
    title: str
    desc: str
    height: float
    bars: list[Bar]
    legend: list[tuple[str, str]]  # (css class of the swatch, words)
    span: float  # the width of a full bar
    width: int = WIDTH
    pad: int = PAD
    bar: int = BAR


def bar_chart(
    items: list[BarItem], *, title: str, desc: str, legend=(), full: float = 0
) -> BarChart:
    """Horizontal bars, each labelled with its area and value.

    Bars are scaled to the largest value, or to `full` when that is larger (100 for a
    percentage, so a 30% turnout does not fill the width).
    """
    span = WIDTH - 2 * PAD
    top = 28 if legend else 4
    largest = max([full, *(max(i.value, i.inner or 0) for i in items)])
    bars = [
        Bar(
            title=_("%(label)s: %(text)s", label=item.label, text=item.text),
            label=shorten(item.label, 40),
            text=item.text,
            y=top + index * AREA_ROW,
            width=_scale(item.value, largest, span),
            inner_width=None if item.inner is None else _scale(item.inner, largest, span),
        )
        for index, item in enumerate(items)
    ]
    return BarChart(
        title=title,
        desc=desc,
        height=top + len(items) * AREA_ROW + PAD,
        bars=bars,
        legend=list(legend),
        span=span,
    )


def goes_local_charts(figures: dict, money: Callable[[int], str]) -> list[BarChart]:
    """The dashboard's charts, drawn from goes_local()'s figures (its table says the same)."""
    areas = figures["areas"]
    year = figures["year"]
    per_resident = bar_chart(
        [
            BarItem(
                a["area"],
                a["amount_per_resident"] or 0,
                _("no population figure")
                if a["amount_per_resident"] is None
                else _("%(money)s a resident", money=money(a["amount_per_resident"])),
            )
            for a in areas
        ],
        title=_("Money per resident by area, %(year)s", year=year),
        desc="; ".join(
            _(
                "%(area)s: %(money)s in %(pots)s",
                area=a["area"],
                money=money(a["amount"]),
                pots=_count(a["pots"], "pot"),
            )
            + (
                ""
                if a["amount_per_resident"] is None
                else ", " + _("%(money)s a resident", money=money(a["amount_per_resident"]))
            )
            for a in areas
        )
        + ".",
    )
    delivery = bar_chart(
        [
            BarItem(
                a["area"],
                a["funded"],
                _(
                    "%(funded)s funded, %(delivered)s delivered",
                    funded=money(a["funded"]),
                    delivered=money(a["delivered"]),
                ),
                inner=a["delivered"],
            )
            for a in areas
        ],
        title=_("Money funded and delivered by area, %(year)s", year=year),
        desc="; ".join(
            _(
                "%(area)s: %(funded)s funded for %(projects)s, %(delivered)s delivered",
                area=a["area"],
                funded=money(a["funded"]),
                projects=_count(a["funded_projects"], "project"),
                delivered=money(a["delivered"]),
            )
            for a in areas
        )
        + ".",
        legend=[("bar-main", _("Funded")), ("bar-delivered", _("Delivered"))],
    )
    turnout = bar_chart(
        [
            BarItem(
                a["area"],
                a["turnout_percent"] or 0,
                _("not counted yet")
                if a["turnout_percent"] is None
                else _(
                    "%(percent)s of %(eligible)s",
                    percent=percent(a["turnout_percent"]),
                    eligible=number(a["eligible"]),
                ),
            )
            for a in areas
        ],
        title=_("Turnout by area, %(year)s", year=year),
        full=100,
        desc="; ".join(
            f"{a['area']}: "
            + (
                _("no counted vote yet")
                if a["turnout_percent"] is None
                else _(
                    "%(ballots)s from %(eligible)s eligible residents, %(percent)s",
                    ballots=_count(a["ballots"], "ballot"),
                    eligible=number(a["eligible"]),
                    percent=percent(a["turnout_percent"]),
                )
            )
            for a in areas
        )
        + ".",
    )
    return [per_resident, delivery, turnout]
