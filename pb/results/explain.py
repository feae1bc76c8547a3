"""Tally explanations in the reader's language and the pot's money, from pb.tally's outcome.

pb.tally stays pure (no Flask): its outcome holds numbers and a plain English `reason` for the
command line. Pages build their sentences here, from those numbers, as translatable messages.
"""

from flask_babel import gettext as _
from flask_babel import ngettext

from pb.i18n import number, percent
from pb.money import format_money, minor_from_json


def reason(project: dict, currency: str) -> str:
    """Why a project was or was not funded, in plain words and the pot's money."""
    if project["selected"]:
        return _("Funded in round %(round)s.", round=project["round"])
    if not project["supporters"]:
        return _("No one voted for it.")
    cost = format_money(minor_from_json(project["cost"]), currency)
    if project.get("supporters_money") is not None:
        had = format_money(minor_from_json(project["supporters_money"]), currency)
        support = project.get("effective_support")
        if support is not None:
            return _(
                "Its supporters had %(had)s of the %(cost)s it costs (effective support "
                "%(support)s).",
                had=had,
                cost=cost,
                support=percent(support),
            )
        return _("Its supporters had %(had)s of the %(cost)s it costs.", had=had, cost=cost)
    if project.get("remaining_budget") is not None:
        left = format_money(minor_from_json(project["remaining_budget"]), currency)
        return _("Did not fit: %(left)s left, needed %(cost)s.", left=left, cost=cost)
    return _("Not funded.")


def in_order(outcome: dict) -> list[dict]:
    """Funded projects in the order they were chosen, then the rest by score."""
    by_id = {p["project_id"]: p for p in outcome["projects"]}
    chosen = [by_id[pid] for pid in outcome["selected"]]
    rest = sorted(
        (p for p in outcome["projects"] if not p["selected"]),
        key=lambda p: (-p["score"], minor_from_json(p["cost"])),
    )
    return chosen + rest


def would_take(figure: dict | None, currency: str) -> str | None:
    """What would have funded a project left out, in plain words (None when not worked out)."""
    if figure is None:
        return None
    cost = None
    if figure.get("max_cost") is not None:
        cost = format_money(minor_from_json(figure["max_cost"]), currency)
    exact = figure.get("max_cost_exact", True)
    more = figure.get("extra_supporters")
    never = figure.get("more_than")
    if cost is None and more is None and never is None:
        return _("It would not have been funded at any cost with these ballots.")
    if cost is not None and more is not None:
        if exact:
            return ngettext(
                "It would have been funded at %(cost)s, or with %(n)s more supporter.",
                "It would have been funded at %(cost)s, or with %(n)s more supporters.",
                more,
                cost=cost,
                n=number(more),
            )
        return ngettext(
            "It would have been funded at %(cost)s (or perhaps a little more), or with %(n)s "
            "more supporter.",
            "It would have been funded at %(cost)s (or perhaps a little more), or with %(n)s "
            "more supporters.",
            more,
            cost=cost,
            n=number(more),
        )
    if cost is not None and never is not None:
        if exact:
            return _(
                "It would have been funded at %(cost)s; not even with %(n)s more supporters.",
                cost=cost,
                n=number(never),
            )
        return _(
            "It would have been funded at %(cost)s (or perhaps a little more); not even with "
            "%(n)s more supporters.",
            cost=cost,
            n=number(never),
        )
    if cost is not None:
        if exact:
            return _("It would have been funded at %(cost)s.", cost=cost)
        return _("It would have been funded at %(cost)s (or perhaps a little more).", cost=cost)
    if more is not None:
        return ngettext(
            "It would have been funded with %(n)s more supporter.",
            "It would have been funded with %(n)s more supporters.",
            more,
            n=number(more),
        )
    return _(
        "More supporters alone would not have done it: not even with %(n)s more supporters.",
        n=number(never),
    )
