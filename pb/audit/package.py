"""The audit package of a published pot: everything needed to re-count it, signed.

manifest.json   the pot, its ballot rules, tie-break seed and commitment, counts, public key
ballots.pb      the ballots in pabulib format, voter_id = the ballot's id, sorted by it
results.json    the published result (its SHA-256 is in the chain's publication event)
events.jsonl    the pot's hash chain
SHA256SUMS      the SHA-256 of each file above; SHA256SUMS.sig is its Ed25519 signature
"""

import io
import json
import zipfile

from sqlalchemy import func, select

from pb import __version__
from pb.audit import chain, signing
from pb.extensions import db
from pb.pots.services import eligible_count
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
            "currency": "GBP",
            "unit": "pence",
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
        "add1_step": pot.add1_step,
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


def _meta(pot, num_projects: int) -> dict[str, str]:
    """META of ballots.pb: what the pot is and the limits its ballots were cast under."""
    meta = {
        "description": f"{pot.name}: audit package of {pot.council.name}",
        "country": "United Kingdom",
        "unit": pot.council.name,
        "subunit": pot.area_name,
        "instance": str(pot.year),
        "num_projects": str(num_projects),
        "num_votes": "0",  # filled in with the ballots
        "budget": str(pot.amount),
        "currency": "GBP (pence)",
        "vote_type": VOTE_TYPES[pot.ballot_method],
        "rule": pot.rule,
    }
    if pot.ballot_method != "points":
        meta["min_length"] = str(pot.min_picks)
        if pot.max_picks is not None:
            meta["max_length"] = str(pot.max_picks)
    if pot.spending_cap is not None:
        meta["max_sum_cost"] = str(pot.spending_cap)
    if pot.ballot_method == "points":
        meta["max_sum_points"] = str(pot.points_total)
        if pot.points_max is not None:
            meta["max_points"] = str(pot.points_max)
    return meta


def ballots_file(pot, result) -> pabulib.PabulibFile:
    """The pot's ballots as a pabulib file; each row names online or paper."""
    proposals = ballot_proposals(pot)
    selected = set(result.outcome["selected"])
    supporters = {p["project_id"]: p["supporters"] for p in result.outcome["projects"]}
    meta = _meta(pot, len(proposals))
    projects = [
        [
            str(p.id),
            str(p.cost),
            str(supporters.get(str(p.id), 0)),
            p.title,
            "1" if str(p.id) in selected else "0",
        ]
        for p in proposals
    ]
    points = pot.ballot_method == "points"
    columns = ["voter_id", "vote", *(["points"] if points else []), "voting_method"]
    votes = []
    rows = db.session.execute(
        select(Ballot.id, Ballot.choices, Ballot.channel)
        .where(Ballot.pot_id == pot.id)
        .order_by(Ballot.id)
    )
    for ballot_id, choices, channel in rows:
        if points:
            ordered = sorted(choices, key=lambda pair: (-pair[1], pair[0]))
            cells = [",".join(str(p) for p, _ in ordered), ",".join(str(n) for _, n in ordered)]
        else:
            cells = [",".join(str(c) for c in choices)]
        votes.append([ballot_id, *cells, channel])
    meta["num_votes"] = str(len(votes))
    return pabulib.PabulibFile(
        meta, ["project_id", "cost", "votes", "name", "selected"], projects, columns, votes
    )


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
    proposals = len(ballot_proposals(pot))
    # META title, key;value header, its rows; PROJECTS title, header, rows; VOTES title, header.
    header = 2 + len(_meta(pot, proposals)) + 2 + proposals + 2
    before = db.session.scalar(
        select(func.count()).where(Ballot.pot_id == pot.id, Ballot.id < ballot_id)
    )
    return header + before + 1
