"""The audit package of a published pot: everything needed to re-count it, signed.

manifest.json   the pot, its ballot rules, tie-break seed and commitment, counts, public key
ballots.pb      the ballots in pabulib format (as pabulib's checker wants it: money in major
                units), voter_id = the ballot's id, sorted by it
results.json    the published result (its SHA-256 is in the chain's publication event)
events.jsonl    the pot's hash chain
SHA256SUMS      the SHA-256 of each file above; SHA256SUMS.sig is its Ed25519 signature
"""

import io
import json
import zipfile
from fractions import Fraction

from sqlalchemy import func, select

from pb import __version__
from pb.audit import chain, pabulib_export, signing
from pb.extensions import db
from pb.money import minor_digits
from pb.pots.services import eligible_count
from pb.results import explain
from pb.results.imports import imported_source
from pb.results.models import ImportedVote
from pb.results.services import count_by_channel, document, publications
from pb.tally import pabulib
from pb.voting.models import Ballot, Participation
from pb.voting.services import ballot_proposals

FORMAT = "pb-audit-package/1"
FILES = ("manifest.json", "ballots.pb", "results.json", "events.jsonl")
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same pot always gives the same zip
VOTE_TYPES = {"approval": "approval", "ranked": "ordinal", "points": "cumulative"}


class NotPublished(Exception):
    pass


def manifest(pot, result) -> dict:
    counts = count_by_channel(pot)
    wards = [pot.ward] if pot.ward else list(pot.council.wards)
    participations = db.session.scalar(select(func.count()).where(Participation.pot_id == pot.id))
    return {
        "format": FORMAT,
        "council": {"name": pot.council.name},
        "pot": {
            "id": pot.id,
            "name": pot.name,
            "year": pot.year,
            "amount": pot.amount,
            "currency": pot.currency,
            # Every amount in the manifest and results.json is in minor units: 10**digits
            # of them make one unit of the currency (ballots.pb gives major units).
            "minor_unit_digits": minor_digits(pot.currency),
            "wards": [{"code": w.code, "name": w.name} for w in wards],
            "council_wide": pot.ward_id is None,
        },
        "ballot": {
            "method": pot.ballot_method,
            "min_picks": pot.min_picks,
            "max_picks": pot.max_picks,
            "spending_cap": pot.spending_cap,
            "points_total": pot.points_total,
            "points_max": pot.points_max,
        },
        "rule": pot.rule,
        "eligibility": {"mode": pot.eligibility_mode, "min_age": pot.min_age},
        "tie_break": {"seed": result.seed, "seed_sha256": pot.seed_sha256},
        "voting": {
            "opened_at": chain.timestamp(pot.voting_opened_at) if pot.voting_opened_at else None,
            "closed_at": chain.timestamp(pot.voting_closed_at) if pot.voting_closed_at else None,
        },
        "counts": {
            "eligible": eligible_count(pot),
            "participations": participations,
            "ballots_online": counts["online"],
            "ballots_paper": counts["paper"],
        },
        "results_version": result.version,
        "software": {"name": "pb", "version": __version__},
        "public_key": {"algorithm": "Ed25519", "hex": signing.public_key_hex()},
    }


def _meta(pot) -> dict[str, str]:
    """META of ballots.pb (money in minor units): what the pot is, where it came from and the
    limits its ballots were cast under. An imported pot starts from its source's META."""
    source = imported_source(pot)
    if source:  # what the source said about itself, as it said it
        meta = dict(source.meta)
    else:
        meta = {
            "description": f"{pot.name}: audit package of {pot.council.name}",
            # pb's own councils place residents by UK postcode, so they are in the UK.
            "country": pot.council.country or "United Kingdom",
            "unit": pot.council.name,
            "subunit": pot.area_name,
            "instance": str(pot.year),
        }
    meta.update(budget=str(pot.amount), vote_type=VOTE_TYPES[pot.ballot_method], rule=pot.rule)
    for key in ("min_length", "max_length", "max_sum_cost", "max_sum_points", "max_points"):
        meta.pop(key, None)
    if not source:  # the days voting opened and closed; the format allows the year alone
        opened, closed = pot.voting_opened_at, pot.voting_closed_at
        meta["date_begin"] = opened.strftime("%d.%m.%Y") if opened else str(pot.year)
        meta["date_end"] = closed.strftime("%d.%m.%Y") if closed else str(pot.year)
    if pot.ballot_method != "points":
        meta["min_length"] = str(pot.min_picks)
        if pot.max_picks is not None:
            meta["max_length"] = str(pot.max_picks)
    if pot.spending_cap is not None:
        meta["max_sum_cost"] = str(pot.spending_cap)
    if pot.ballot_method == "points":
        if pot.points_total is not None:
            meta["max_sum_points"] = str(pot.points_total)
        if pot.points_max is not None:
            meta["max_points"] = str(pot.points_max)
    return meta


def _projects(pot, result) -> list[pabulib_export.Project]:
    """The pot's ballot as ballots.pb lists it: pb's id, and the source's id as public_id.

    Listed in the order the count took them (funded ones as chosen, then the rest by score),
    so a reader that breaks ties by file order, as pabulib's checker does, meets pb's ties
    decided as pb decided them.
    """
    selected = set(result.outcome["selected"]) if result else set()
    counted = {p["project_id"]: p for p in result.outcome["projects"]} if result else {}
    order = (
        {p["project_id"]: i for i, p in enumerate(explain.in_order(result.outcome))}
        if result
        else {}
    )
    scored = pot.ballot_method in ("points", "ranked")
    projects = []
    for p in sorted(ballot_proposals(pot), key=lambda p: (order.get(str(p.id), len(order)), p.id)):
        tallied = counted.get(str(p.id), {})
        # pb's own count fills votes, score and selected; the source's other cells go as they are.
        cells = {
            k: v for k, v in (p.source or {}).items() if k not in ("selected", "votes", "score")
        }
        projects.append(
            pabulib_export.Project(
                project_id=str(p.id),
                cost=p.cost,
                name=p.title,
                votes=tallied.get("supporters", 0),
                selected=str(p.id) in selected,
                score=tallied.get("score", 0) if scored else None,
                public_id=p.public_id,
                cells=cells,
            )
        )
    return projects


def ballots_file(pot, result) -> pabulib.PabulibFile:
    """The pot's ballots as a pabulib file that passes pabulib's checker; each row names
    internet or paper, and an imported ballot keeps its source's age, sex and other cells.

    A ranking lists beside it the points each rank earns in the count (length - rank + 1),
    as Kraków's files do, so the projects' scores can be checked against the ballots.
    """
    points = pot.ballot_method == "points"
    length = pot.max_picks or len(ballot_proposals(pot))
    imported = dict(
        db.session.execute(
            select(ImportedVote.ballot_id, ImportedVote.cells).where(ImportedVote.pot_id == pot.id)
        ).all()
    )
    rows = db.session.execute(
        select(Ballot.id, Ballot.choices, Ballot.channel)
        .where(Ballot.pot_id == pot.id)
        .order_by(Ballot.id)
    )
    votes = []
    for ballot_id, choices, channel in rows:
        cells = {k: v for k, v in imported.get(ballot_id, {}).items() if k != "voting_method"}
        if points:
            ordered = sorted(choices, key=lambda pair: (-pair[1], pair[0]))
            vote = pabulib_export.Vote(
                ballot_id, [str(p) for p, _ in ordered], channel, [n for _, n in ordered], cells
            )
        elif pot.ballot_method == "ranked":
            earned = [length - rank for rank in range(len(choices))]
            vote = pabulib_export.Vote(ballot_id, [str(c) for c in choices], channel, earned, cells)
        else:
            vote = pabulib_export.Vote(ballot_id, [str(c) for c in choices], channel, None, cells)
        votes.append(vote)
    projects = _projects(pot, result)
    return pabulib_export.build(
        _meta(pot),
        pot.currency,
        projects,
        votes,
        points=pot.ballot_method != "approval",
        rule_note=_rule_note(pot, result),
    )


def _rule_note(pot, result) -> str | None:
    """Why ballots.pb says `greedy-custom` for a greedy pot, or None when it says `greedy`.

    pb's greedy does not fund a project no one voted for; pabulib's checker reads `greedy` as
    funding whatever still fits, even with no votes. Where that makes a difference, the file
    names the rule `greedy-custom` (the format's word for a variant) and says how.
    """
    if pot.rule != "greedy" or result is None:
        return None
    outcome = result.outcome
    left = Fraction(str(outcome["budget"])) - Fraction(str(outcome["total_cost"]))
    unsupported = [p for p in outcome["projects"] if not p["selected"] and not p["supporters"]]
    if any(Fraction(str(p["cost"])) <= left for p in unsupported):
        return "greedy (most votes first), except that a project no one voted for is not funded"
    return None


def build(pot) -> bytes:
    """The signed audit package of a published pot, as zip bytes."""
    published = publications(pot)
    if not published:
        raise NotPublished(f"{pot.name} has no published results yet.")
    result = published[0]
    files = {
        "manifest.json": (
            json.dumps(manifest(pot, result), indent=2, ensure_ascii=False) + "\n"
        ).encode(),
        "ballots.pb": pabulib.dumps(ballots_file(pot, result)).encode(),
        "results.json": chain.canonical(document(result)),
        "events.jsonl": chain.jsonl(pot).encode(),
    }
    sums = "".join(f"{chain.sha256_hex(files[name])}  {name}\n" for name in FILES).encode()
    files["SHA256SUMS"] = sums
    files["SHA256SUMS.sig"] = (signing.sign(sums).hex() + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), data)
    return buffer.getvalue()


def ballot_line(pot, ballot_id: str) -> int | None:
    """The line of a ballot in the package's ballots.pb (1-based), or None if absent.

    Counted, not searched: the header's length plus the ballots sorted before it.
    """
    exists = db.session.scalar(
        select(Ballot.id).where(Ballot.pot_id == pot.id, Ballot.id == ballot_id)
    )
    if exists is None:
        return None
    projects = _projects(pot, None)
    points = pot.ballot_method != "approval"
    meta = pabulib_export.build(_meta(pot), pot.currency, projects, [], points=points).meta
    # META title, key;value header, its rows; PROJECTS title, header, rows; VOTES title, header.
    header = 2 + len(meta) + 2 + len(projects) + 2
    before = db.session.scalar(
        select(func.count()).where(Ballot.pot_id == pot.id, Ballot.id < ballot_id)
    )
    return header + before + 1
