"""Bringing a real election in: a pabulib file becomes a published pot (`pb import-pabulib`).

What the source says is kept as it says it: the projects' ids (as each proposal's public id),
full names, costs and other cells; META (country, unit, subunit, district, instance, dates,
currency, language, everything else) in `imported_elections`; each vote's voter_id, age, sex,
voting_method and other cells in `imported_votes`; the source's `selected` projects as the
official outcome. The currency is META's `currency`, else the country's (Babel's territory
data). What the file does not say (electorate, turnout, the council's annual budget, a
tie-break seed) stays unknown. The ballots are counted with the file's rule and published on
the file's end date, with a hash chain like any other pot, so the audit package verifies.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.numbers import get_territory_currencies
from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from pb.audit import chain
from pb.councils.models import Council, Ward
from pb.extensions import db
from pb.money import from_major, known_currency
from pb.places.geometry import valid_coordinates
from pb.pots.models import BallotMethod, Pot
from pb.proposals.models import Proposal
from pb.results.models import ImportedElection, ImportedVote
from pb.results.services import publish, run_tally
from pb.tally import pabulib, rule_name
from pb.voting.models import Ballot

# Cells that pb holds in its own columns; every other cell is kept in `source` / `cells`.
PROJECT_OWN = ("project_id", "cost", "name", "public_id")
VOTE_OWN = ("vote", "points")
CATEGORY_COLUMNS = ("category", "categories")


class ImportRefused(ValueError):
    """A file that pb cannot import as it stands, with the reason."""


def imported_source(pot) -> ImportedElection | None:
    """Where an imported pot came from, or None for a pot run in pb."""
    return db.session.get(ImportedElection, pot.id)


def currency_for(meta: dict[str, str]) -> str:
    """The ISO 4217 currency of a file: META's `currency`, else its country's at the time."""
    given = (meta.get("currency") or "").strip().upper()
    if known_currency(given):
        return given
    country = (meta.get("country") or "").strip().lower()
    territories = {name.lower(): code for code, name in Locale("en").territories.items()}
    code = territories.get(country)
    if code:
        end = parse_date(meta.get("date_end")) or parse_date(meta.get("date_begin"))
        found = get_territory_currencies(code, start_date=end.date() if end else None)
        if found:
            return found[0]
    raise ImportRefused(
        _(
            "The file names no ISO 4217 currency and no country whose currency is known "
            "(currency %(currency)s, country %(country)s).",
            currency=repr(meta.get("currency")),
            country=repr(meta.get("country")),
        )
    )


def parse_date(text: str | None) -> datetime | None:
    """A pabulib date (DD.MM.YYYY, as some files write it D.MM.YYYY) as midnight UTC."""
    for layout in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime((text or "").strip(), layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _whole(meta: dict[str, str], key: str) -> int | None:
    text = (meta.get(key) or "").strip()
    return int(text) if text.isdigit() else None


def import_pabulib(source, *, population: int | None = None) -> Pot:
    """Create a published pot (with its council and ward if new) from a pabulib file.

    Raises :class:`pabulib.PabulibError` (with the line) or :class:`ImportRefused`.
    """
    data = pabulib.read(source)
    meta = data.meta
    currency = currency_for(meta)
    method = BallotMethod.for_vote_type(data.vote_type)
    unit = (meta.get("unit") or "").strip() or "Imported council"
    council = db.session.scalar(select(Council).where(Council.name == unit))
    if council is None:
        country = (meta.get("country") or "").strip() or None
        council = Council(name=unit, annual_budget=None, currency=currency, country=country)
        db.session.add(council)
    elif council.currency != currency:
        raise ImportRefused(
            _(
                "%(council)s keeps its books in %(currency)s; this file is in %(other)s.",
                council=unit,
                currency=council.currency,
                other=currency,
            )
        )
    area = (meta.get("subunit") or meta.get("district") or "").strip() or unit
    code = f"PB{chain.sha256_hex(f'{unit}/{area}')[:10].upper()}"
    ward = db.session.scalar(select(Ward).where(Ward.code == code))
    if ward is None:
        ward = Ward(council=council, name=area, code=code, population=population)
        db.session.add(ward)
    elif population is not None:
        ward.population = population

    begin, end = parse_date(meta.get("date_begin")), parse_date(meta.get("date_end"))
    known = end or begin
    year = _whole(meta, "instance") or (known.year if known else None)
    if year is None:  # not made up from today's date
        raise ImportRefused(_("META gives no year: no instance, date_begin or date_end."))
    try:
        amount = from_major(meta["budget"], currency)
        cap = from_major(meta["max_sum_cost"], currency) if meta.get("max_sum_cost") else None
    except ValueError as exc:
        raise ImportRefused(_("budget: %(problem)s", problem=exc)) from None
    vcols = {name.strip().lower(): i for i, name in enumerate(data.vote_columns)}
    vote_col = vcols["vote"]
    lengths = [len([c for c in row[vote_col].split(",") if c.strip()]) for row in data.votes]
    description = (meta.get("description") or "").strip()
    pot = Pot(
        council=council,
        ward=ward,
        name=(description or f"{unit} {year}")[:200],
        description=f"A real election imported from pabulib ({Path(data.source).name}): "
        f"{description}",
        amount=amount,
        year=year,
        phase="review",
        ballot_method=method,
        min_picks=(_whole(meta, "min_length") or 1) if method != "points" else 1,
        max_picks=_whole(meta, "max_length")
        or (max(lengths, default=1) if method == "ranked" else None),
        spending_cap=cap,
        points_total=_whole(meta, "max_sum_points"),
        points_max=_whole(meta, "max_points"),
        rule=rule_name(meta.get("rule")) or "greedy",
        eligibility_mode="open",
        seed=None,  # the source names no lottery: nothing to commit to
        seed_sha256=None,
    )
    db.session.add(pot)
    db.session.flush()

    proposal_ids, official = _proposals(pot, ward, data, currency)
    _ballots(pot, data, vcols, proposal_ids, end)
    db.session.add(
        ImportedElection(
            pot_id=pot.id,
            file_name=Path(data.source).name,
            meta=dict(meta),
            project_columns=list(data.project_columns),
            vote_columns=list(data.vote_columns),
            official_selected=official,
            report={"zero_cost": list(data.zero_cost)},
        )
    )
    pot.close_imported(opened_at=begin, closed_at=end)
    run_tally(pot, None)
    publish(pot, None, at=end)
    return pot


def _place(cells: dict) -> dict:
    """A project's latitude and longitude from the file (kept as written in `source` too);
    nothing when either is missing or is not a place on Earth."""
    try:
        latitude = float((cells.get("latitude") or "").replace(",", ".").strip())
        longitude = float((cells.get("longitude") or "").replace(",", ".").strip())
    except ValueError:
        return {}
    if not valid_coordinates(latitude, longitude):
        return {}
    return {"latitude": latitude, "longitude": longitude}


def _proposals(pot, ward, data, currency) -> tuple[dict[str, int], list[int] | None]:
    """Each project as a proposal; returns {source id: proposal id} for those on the ballot
    and the proposal ids the source marks selected (None without a `selected` column)."""
    pcols = {name.strip().lower(): i for i, name in enumerate(data.project_columns)}
    zero = set(data.zero_cost)
    proposal_ids: dict[str, int] = {}
    official: list[int] | None = [] if "selected" in pcols else None
    for row in data.projects:
        pid = row[pcols["project_id"]].strip()
        name = " ".join(row[pcols["name"]].split()) if "name" in pcols else ""
        cells = {column: row[i] for column, i in pcols.items() if column not in PROJECT_OWN}
        description = (cells.get("description") or "").strip()
        category = next(
            (cells[c].split(",")[0].strip() for c in CATEGORY_COLUMNS if cells.get(c)), ""
        )
        try:
            cost = from_major(row[pcols["cost"]], currency)
        except ValueError as exc:
            raise ImportRefused(_("project %(id)s: %(problem)s", id=pid, problem=exc)) from None
        proposal = Proposal(
            pot=pot,
            ward_id=ward.id,
            title=(name or f"Project {pid}")[:1000],
            summary=(name or f"Project {pid}")[:1000],
            description=description or name or f"Project {pid}",
            cost=cost,
            category=(category or "not-stated")[:30],
            status="withdrawn" if pid in zero else "on_ballot",
            review_note="Listed at cost 0 in the source file (withdrawn): not counted."
            if pid in zero
            else None,
            # A file pb wrote names pb's id as project_id and the source's as public_id.
            public_id=(row[pcols["public_id"]].strip() if "public_id" in pcols else "") or pid,
            source=cells,
            **_place(cells),
        )
        db.session.add(proposal)
        db.session.flush()
        if pid not in zero:
            proposal_ids[pid] = proposal.id
        if official is not None and cells.get("selected", "").strip() == "1":
            official.append(proposal.id)
    return proposal_ids, official


def _ballots(pot, data, vcols, proposal_ids, end) -> None:
    """The votes as ballots (bulk inserted), their other cells kept beside them."""
    vote_col, points_col = vcols["vote"], vcols.get("points")
    method_col = vcols.get("voting_method")
    kept = [(c, i) for c, i in vcols.items() if c not in VOTE_OWN]
    ballots, cells, entries = (
        [],
        [],
        [("voting_opened", chain.sha256_hex(chain.opening_payload(pot)))],
    )
    counts = {"online": 0, "paper": 0}
    for row in data.votes:
        names = [c.strip() for c in row[vote_col].split(",") if c.strip()]
        if row[vote_col].strip().lower() == "none":
            names = []
        if pot.ballot_method == BallotMethod.POINTS and points_col is not None:
            points = [int(p) for p in row[points_col].split(",") if p.strip()]
            choices = sorted(
                [proposal_ids[c], p]
                for c, p in zip(names, points, strict=True)
                if p and c in proposal_ids
            )
        else:
            chosen = [proposal_ids[c] for c in names if c in proposal_ids]
            choices = sorted(chosen) if pot.ballot_method == BallotMethod.APPROVAL else chosen
        method = row[method_col].strip().lower() if method_col is not None else ""
        channel = "paper" if method == "paper" else "online"
        counts[channel] += 1
        ballot_id = secrets.token_hex(16)
        ballots.append({"id": ballot_id, "pot_id": pot.id, "channel": channel, "choices": choices})
        cells.append(
            {"ballot_id": ballot_id, "pot_id": pot.id, "cells": {c: row[i] for c, i in kept}}
        )
        entries.append(("imported_ballot", chain.sha256_hex(ballot_id)))
    if ballots:
        db.session.execute(insert(Ballot), ballots)
        db.session.execute(insert(ImportedVote), cells)
    # Each imported ballot stands for one participation (see opening.channel_counts).
    closing = {"participations": counts, "ballots": counts}
    entries.append(("voting_closed", chain.sha256_hex(chain.canonical(closing))))
    chain.append_many(pot, entries)


def import_report(pot) -> list[str]:
    """What an import kept and what it could not know, in lines for `pb import-pabulib`."""
    source = imported_source(pot)
    if source is None:
        return []
    ballots = db.session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.pot_id == pot.id)
    )
    proposals = db.session.scalar(
        select(func.count()).select_from(Proposal).where(Proposal.pot_id == pot.id)
    )
    lines = [
        f"{proposals} projects and {ballots} votes from {source.file_name}, money in "
        f"{pot.currency}; META, every column and the official outcome kept as written",
    ]
    zero = source.report.get("zero_cost") or []
    if zero:
        lines.append(f"withdrawn (cost 0, kept but not counted): {', '.join(zero)}")
    unknown = ["tie-break seed (none in the source)"]
    if pot.council.annual_budget is None:
        unknown.append("the council's annual budget")
    if (pot.ward.population if pot.ward else None) is None:
        unknown.append("who could vote, so turnout (give --population)")
    lines.append("not known: " + "; ".join(unknown))
    return lines


def official_comparison(pot, result) -> dict | None:
    """Whether pb's count funds what the source says was funded, and if not the likely reason.

    None for a pot run in pb or a source without a `selected` column.
    """
    source = imported_source(pot)
    if source is None or source.official_selected is None:
        return None
    official = {str(i) for i in source.official_selected}
    counted = set(result.outcome["selected"])
    reasons = []
    file_rule = (source.meta.get("rule") or "").strip()
    if rule_name(file_rule) != pot.rule:
        reasons.append(
            f"the file's rule is {file_rule or 'not given'}, which pb counts as {pot.rule}"
        )
    if source.meta.get("min_project_score_threshold") or "threshold" in file_rule:
        reasons.append("the city required a minimum number of votes (a threshold)")
    if source.report.get("zero_cost"):
        withdrawn = ", ".join(source.report["zero_cost"])
        reasons.append(f"a withdrawn project (listed at cost 0: {withdrawn})")
    return {
        "agrees": official == counted,
        "official": sorted(official, key=int),
        "only_official": sorted(official - counted, key=int),
        "only_pb": sorted(counted - official, key=int),
        "reasons": reasons
        or ["the file does not say why (a city may adjust its list after the count)"],
    }
