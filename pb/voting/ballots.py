"""The three ballot methods: reading a ballot from a form and checking it against the pot.

Online, paper and every re-check use these functions, so a ballot that one path accepts
the others accept too. A ballot is stored in a canonical form (see `Ballot.choices`).
"""

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from pb.i18n import Shown, number
from pb.money import format_money
from pb.pots.models import BallotMethod


class BallotError(Exception):
    """The choices break the pot's ballot rules; the message says how, in plain words."""


def _points(n: int) -> str:
    return ngettext("%(num)s point", "%(num)s points", n)


def read_form(pot, proposals, form) -> list | dict:
    """Pull the raw ballot for `pot` out of submitted form data (no checks yet)."""
    if pot.ballot_method == BallotMethod.APPROVAL:
        return form.getlist("choices")
    prefix = "rank-" if pot.ballot_method == BallotMethod.RANKED else "points-"
    return {p.id: form.get(f"{prefix}{p.id}", "").strip() for p in proposals}


def check(pot, proposals, raw) -> list:
    """Validate a raw ballot and return it in canonical form, or raise BallotError."""
    costs = {p.id: p.cost for p in proposals}
    if pot.ballot_method == BallotMethod.APPROVAL:
        return _check_approval(pot, costs, raw)
    if pot.ballot_method == BallotMethod.RANKED:
        return _check_ranked(pot, costs, raw)
    return _check_points(pot, costs, raw)


# ASCII digits only: str.isdigit() also takes "²" and "٣", which int() then refuses, and
# "--5" passes a lstrip("-") test. Nine digits keep every value inside a 32-bit column.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


def _as_int(value, what) -> int:
    text = str(value).strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise BallotError(what)
    return int(text)


def _within_picks(pot, count: int, too_few: Callable[[int], str], too_many: Callable[[int], str]):
    """The pot's one rule on how many projects a ballot names, for approval and ranked
    ballots alike; each says it in its own words (choose, rank)."""
    if count < pot.min_picks:
        raise BallotError(too_few(pot.min_picks))
    if pot.max_picks is not None and count > pot.max_picks:
        raise BallotError(too_many(pot.max_picks))


def _check_approval(pot, costs: dict[int, int], raw) -> list[int]:
    picked = [_as_int(v, _l("Each choice must be a whole number.")) for v in raw]
    if len(set(picked)) != len(picked):
        raise BallotError(_("Each project can be chosen only once."))
    if any(choice not in costs for choice in picked):
        raise BallotError(_("Choose only projects that are on this ballot."))
    _within_picks(
        pot,
        len(picked),
        lambda n: ngettext(
            "Choose at least %(num)s project.", "Choose at least %(num)s projects.", n
        ),
        lambda n: ngettext(
            "Choose no more than %(num)s project.", "Choose no more than %(num)s projects.", n
        ),
    )
    total = sum(costs[c] for c in picked)
    if pot.spending_cap is not None and total > pot.spending_cap:
        raise BallotError(
            _(
                "Your choices cost %(money)s, more than the %(money2)s "
                "you can spend. Untick a project.",
                money=format_money(total, pot.currency),
                money2=format_money(pot.spending_cap, pot.currency),
            )
        )
    return sorted(picked)


def _check_ranked(pot, costs: dict[int, int], raw) -> list[int]:
    ranks: dict[int, int] = {}
    for key, value in _items(raw):
        if value in ("", None):
            continue
        project = _as_int(key, _l("Each project must be a whole number."))
        if project not in costs:
            raise BallotError(_("Rank only projects that are on this ballot."))
        ranks[project] = _as_int(value, _l("Each rank must be a whole number."))
    order = sorted(ranks, key=lambda project: ranks[project])
    given = sorted(ranks.values())
    if len(set(given)) != len(given):
        raise BallotError(_("Give each rank to one project only."))
    if given != list(range(1, len(given) + 1)):
        raise BallotError(_("Number your choices 1, 2, 3 and so on, without gaps."))
    _within_picks(
        pot,
        len(order),
        lambda n: ngettext("Rank at least %(num)s project.", "Rank at least %(num)s projects.", n),
        lambda n: ngettext(
            "Rank no more than %(num)s project.", "Rank no more than %(num)s projects.", n
        ),
    )
    return order


def _check_points(pot, costs: dict[int, int], raw) -> list[list[int]]:
    points: dict[int, int] = {}
    for key, value in _items(raw):
        if value in ("", None):
            continue
        project = _as_int(key, _l("Each project must be a whole number."))
        if project not in costs:
            raise BallotError(_("Give points only to projects that are on this ballot."))
        amount = _as_int(value, _l("Points must be a whole number."))
        if amount < 0:
            raise BallotError(_("Points cannot be negative."))
        if pot.points_max is not None and amount > pot.points_max:
            raise BallotError(
                ngettext(
                    "Give at most %(num)s point to one project.",
                    "Give at most %(num)s points to one project.",
                    pot.points_max,
                )
            )
        if amount:
            points[project] = amount
    total = sum(points.values())
    if total == 0:
        raise BallotError(_("Give at least one point to a project."))
    if pot.points_total is not None and total > pot.points_total:
        raise BallotError(
            _(
                "You have given %(total)s points; you have %(points_total)s to spread.",
                total=number(total),
                points_total=number(pot.points_total),
            )
        )
    return [[project, points[project]] for project in sorted(points)]


def _items(raw):
    if isinstance(raw, dict):
        return raw.items()
    if isinstance(raw, list):
        # Canonical points ballots ([[id, points], ...]) and rankings (ids, best first).
        if raw and isinstance(raw[0], list | tuple):
            return [(k, v) for k, v in raw]
        return [(k, i) for i, k in enumerate(raw, start=1)]
    raise BallotError(_("This ballot could not be read."))


def tally_form(pot, choices: list):
    """A stored ballot as pb.tally takes it: a set, a ranking, or a points map."""
    if pot.ballot_method == BallotMethod.APPROVAL:
        return {str(c) for c in choices}
    if pot.ballot_method == BallotMethod.RANKED:
        return [str(c) for c in choices]
    return {str(project): amount for project, amount in choices}


def describe(pot, proposals, choices: list) -> list[tuple[Shown, str]]:
    """(project title, what the ballot gives it) for showing a ballot back to its voter: the
    title in the voter's language, as the ballot showed it (a fallback marked as such)."""
    titles = {p.id: p.shown("title") for p in proposals}
    if pot.ballot_method == BallotMethod.APPROVAL:
        return [(titles[c], _("Chosen")) for c in choices]
    if pot.ballot_method == BallotMethod.RANKED:
        return [
            (titles[c], _("Choice %(rank)s", rank=rank)) for rank, c in enumerate(choices, start=1)
        ]
    return [(titles[c], _points(n)) for c, n in choices]


def instructions(pot) -> str:
    """What the voter is asked to do, in one sentence."""
    low, high = pot.min_picks, pot.max_picks
    if pot.ballot_method == BallotMethod.POINTS:
        total = pot.points_total or 0
        if pot.points_max:
            return ngettext(
                "Spread up to %(num)s point over the projects, at most %(most)s on one project.",
                "Spread up to %(num)s points over the projects, at most %(most)s on one project.",
                total,
                most=number(pot.points_max),
            )
        return ngettext(
            "Spread up to %(num)s point over the projects.",
            "Spread up to %(num)s points over the projects.",
            total,
        )
    tick = pot.ballot_method == BallotMethod.APPROVAL
    if high is None:
        text = (
            ngettext("Tick at least %(num)s project.", "Tick at least %(num)s projects.", low)
            if tick
            else ngettext(
                "Number at least %(num)s project in order of preference.",
                "Number at least %(num)s projects in order of preference.",
                low,
            )
        )
    elif low == high:
        text = (
            ngettext("Tick %(num)s project.", "Tick %(num)s projects.", low)
            if tick
            else ngettext(
                "Number %(num)s project in order of preference.",
                "Number %(num)s projects in order of preference.",
                low,
            )
        )
    else:
        text = (
            ngettext(
                "Tick between %(low)s and %(num)s project.",
                "Tick between %(low)s and %(num)s projects.",
                high,
                low=low,
            )
            if tick
            else ngettext(
                "Number between %(low)s and %(num)s project in order of preference.",
                "Number between %(low)s and %(num)s projects in order of preference.",
                high,
                low=low,
            )
        )
    if pot.ballot_method == BallotMethod.APPROVAL and pot.spending_cap is not None:
        text += " " + _(
            "Together they may cost up to %(money)s.",
            money=format_money(pot.spending_cap, pot.currency),
        )
    return text


def as_form_fields(pot, choices: list) -> list[tuple[str, str]]:
    """A canonical ballot as the (name, value) pairs its form would send."""
    if pot.ballot_method == BallotMethod.APPROVAL:
        return [("choices", str(c)) for c in choices]
    if pot.ballot_method == BallotMethod.RANKED:
        return [(f"rank-{c}", str(rank)) for rank, c in enumerate(choices, start=1)]
    return [(f"points-{c}", str(n)) for c, n in choices]


def read_query(pot, proposals, args) -> list | dict | None:
    """A ballot sent back from the review page ("Change my choices"), to fill the form in."""
    raw = read_form(pot, proposals, args)
    return raw if any(raw if isinstance(raw, list) else raw.values()) else None
