"""Bringing a real election in: a pabulib file becomes a published pot (`pb import-pabulib`).

The file's projects become proposals on the ballot, its votes become ballots (online or
paper, as its `voting_method` column says), and the pot is tallied with the file's rule and
published, with a hash chain like any other pot, so its audit package verifies.
"""

import secrets
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select

from pb.audit import chain
from pb.councils.models import Council, Ward
from pb.extensions import db
from pb.pots.models import Pot
from pb.proposals.models import Proposal
from pb.results.services import publish, run_tally
from pb.tally import pabulib, rule_name
from pb.timeutil import utcnow
from pb.voting.models import Ballot

METHODS = {"approval": "approval", "ordinal": "ranked", "cumulative": "points", "scoring": "points"}
CURRENCY_BY_COUNTRY = {"poland": "PLN", "france": "EUR", "united kingdom": "GBP"}


def _minor(value) -> int:
    """Whole currency units (as pabulib writes money) to minor units."""
    return round(Fraction(str(value).replace(",", ".")) * 100)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date(text: str | None) -> datetime | None:
    for layout in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime((text or "").strip(), layout)
        except ValueError:
            continue
    return None


def import_pabulib(source, *, population: int | None = None) -> Pot:
    """Create a published pot (with its council and ward if new) from a pabulib file."""
    data = pabulib.read(source)
    meta = data.meta
    method = METHODS[data.vote_type]
    country = meta.get("country", "")
    unit = meta.get("unit") or "Imported council"
    council = db.session.scalar(select(Council).where(Council.name == unit))
    if council is None:
        currency = meta.get("currency") or CURRENCY_BY_COUNTRY.get(country.lower(), "GBP")
        council = Council(name=unit, annual_budget=0, currency=currency[:3].upper())
        db.session.add(council)
    area = meta.get("subunit") or meta.get("district") or unit
    code = f"PB{chain.sha256_hex(f'{unit}/{area}')[:10].upper()}"
    ward = db.session.scalar(select(Ward).where(Ward.code == code))
    if ward is None:
        ward = Ward(council=council, name=area, code=code, population=0)
        db.session.add(ward)
    ward.population = max(ward.population, population or len(data.votes))

    columns = {name: i for i, name in enumerate(data.vote_columns)}
    lengths = [len([c for c in row[columns["vote"]].split(",") if c]) for row in data.votes]
    begin, end = _date(meta.get("date_begin")), _date(meta.get("date_end"))
    year = int(meta["instance"]) if meta.get("instance", "").isdigit() else (begin or end).year
    pot = Pot(
        council=council,
        ward=ward,
        name=_clip(meta.get("description") or f"{unit} {year}", 200),
        description=f"A real election imported from pabulib: {meta.get('description', '')}",
        amount=_minor(meta["budget"]),
        year=year,
        phase="review",
        ballot_method=method,
        min_picks=int(meta.get("min_length") or 1) if method != "points" else 1,
        max_picks=int(meta["max_length"])
        if meta.get("max_length")
        else (max(lengths, default=1) if method == "ranked" else None),
        spending_cap=_minor(meta["max_sum_cost"]) if meta.get("max_sum_cost") else None,
        points_total=int(meta["max_sum_points"]) if meta.get("max_sum_points") else None,
        points_max=int(meta["max_points"]) if meta.get("max_points") else None,
        rule=rule_name(meta.get("rule")) or "greedy",
        eligibility_mode="open",
        seed="",
        seed_sha256=chain.sha256_hex(""),
    )
    db.session.add(pot)
    db.session.flush()

    pcols = {name: i for i, name in enumerate(data.project_columns)}
    proposal_ids = {}
    for row in data.projects:
        pid = row[pcols["project_id"]]
        name = row[pcols["name"]] if "name" in pcols else f"Project {pid}"
        proposal = Proposal(
            pot=pot,
            ward_id=ward.id,
            title=_clip(name or f"Project {pid}", 120),
            summary=_clip(name or f"Project {pid}", 300),
            description=f"{name}\n\nProject {pid} in the pabulib file.",
            cost=_minor(row[pcols["cost"]]),
            category="community",
            status="on_ballot",
        )
        db.session.add(proposal)
        db.session.flush()
        proposal_ids[pid] = proposal.id

    entries = [("voting_opened", chain.sha256_hex(chain.opening_payload(pot)))]
    counts = {"online": 0, "paper": 0}
    for row in data.votes:
        chosen = [proposal_ids[c] for c in row[columns["vote"]].split(",") if c]
        if method == "approval":
            choices = sorted(chosen)
        elif method == "ranked":
            choices = chosen
        else:
            points = [int(p) for p in row[columns["points"]].split(",") if p]
            choices = sorted([c, p] for c, p in zip(chosen, points, strict=True) if p)
        channel = (
            "paper"
            if "paper"
            in (row[columns["voting_method"]].lower() if "voting_method" in columns else "")
            else "online"
        )
        counts[channel] += 1
        ballot = Ballot(id=secrets.token_hex(16), pot_id=pot.id, channel=channel, choices=choices)
        db.session.add(ballot)
        entries.append(("imported_ballot", chain.sha256_hex(ballot.id)))
    # Each imported ballot stands for one participation (see opening.channel_counts).
    closing = {"participations": counts, "ballots": counts}
    entries.append(("voting_closed", chain.sha256_hex(chain.canonical(closing))))
    pot.voting_opened_at, pot.voting_closed_at = begin, end
    pot.envelopes_opened_at = (
        end or utcnow()
    )  # nothing was sealed: the file's ballots are in the clear
    db.session.flush()
    chain.append_many(pot, entries)
    pot.phase = "closed"
    run_tally(pot, None)
    publish(pot, None)
    return pot
