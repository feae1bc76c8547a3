"""The audit package of a published pot: everything needed to re-count it, signed.

manifest.json   the pot, its ballot rules, tie-break seed and commitment, counts, public key
ballots.pb      the ballots in pabulib format (as pabulib's checker wants it: money in major
                units), voter_id = the ballot's id, sorted by it
results.json    the published result (its SHA-256 is in the chain's publication event)
events.jsonl    the pot's hash chain
SHA256SUMS      the SHA-256 of each file above; SHA256SUMS.sig is its Ed25519 signature
"""

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import gettext
from sqlalchemy import func, select

from pb import __version__
from pb.audit import chain, pabulib_export, signing, storage
from pb.audit.models import ChainEvent
from pb.extensions import db
from pb.money import minor_digits
from pb.paper.models import BatchStatus, PaperBatch
from pb.pots.models import BallotMethod
from pb.pots.services import eligible_count
from pb.results import explain, signals
from pb.results.imports import imported_source
from pb.results.models import ImportedVote
from pb.results.opening import channel_counts
from pb.results.services import document, publications
from pb.tally import pabulib
from pb.voting.models import Ballot
from pb.voting.services import ballot_proposals

FORMAT = "pb-audit-package/1"
FILES = ("manifest.json", "ballots.pb", "results.json", "events.jsonl")
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same pot always gives the same zip


class NotPublished(Exception):
    pass


def manifest(pot, result) -> dict:
    counts = channel_counts(pot)
    wards = [pot.ward] if pot.ward else list(pot.council.wards)
    return {
        "format": FORMAT,
        "council": {"id": pot.council.id, "name": pot.council.name},
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
        "add1_step": pot.add1_step,
        "eligibility": {"mode": pot.eligibility_mode, "min_age": pot.min_age},
        "tie_break": {"seed": result.seed, "seed_sha256": pot.seed_sha256},
        "voting": {
            "opened_at": chain.timestamp(pot.voting_opened_at) if pot.voting_opened_at else None,
            "closed_at": chain.timestamp(pot.voting_closed_at) if pot.voting_closed_at else None,
        },
        "ballot_key": {"algorithm": "X25519 sealed box", "public": pot.sealing_key},
        "counts": {
            "eligible": eligible_count(pot),
            "participations": sum(counts["participations"].values()),
            "participations_online": counts["participations"]["online"],
            "participations_paper": counts["participations"]["paper"],
            "ballots_online": counts["ballots"]["online"],
            "ballots_paper": counts["ballots"]["paper"],
        },
        # What the chain's voting_closed event commits to (its SHA-256, canonical JSON).
        "closing": counts,
        # Each counted paper batch, as its paper_batch chain event commits to it.
        "paper_batches": paper_batches(pot),
        "results_version": result.version,
        "software": {"name": "pb", "version": __version__},
        "public_key": _public_key(pot.council),
    }


def _public_key(council) -> dict:
    """The key that signs the package, and where the council lists its keys (pb.audit.signing)."""
    key, _ = signing.signer(council)
    return {
        "algorithm": "Ed25519",
        "hex": key.public_hex,
        "fingerprint": key.fingerprint,
        "key_list": f"/councils/{council.id}/signing-keys.json",
    }


def paper_batches(pot) -> list[dict]:
    counted = db.session.scalars(
        select(PaperBatch)
        .where(PaperBatch.pot_id == pot.id, PaperBatch.status == BatchStatus.COUNTED)
        .order_by(PaperBatch.number)
    )
    return [{"batch": b.number, "ballots": len(b.entries[0].ballots)} for b in counted]


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
    meta.update(
        budget=str(pot.amount), vote_type=BallotMethod(pot.ballot_method).vote_type, rule=pot.rule
    )
    for key in ("min_length", "max_length", "max_sum_cost", "max_sum_points", "max_points"):
        meta.pop(key, None)
    if not source:  # the days voting opened and closed; the format allows the year alone
        opened, closed = pot.voting_opened_at, pot.voting_closed_at
        meta["date_begin"] = opened.strftime("%d.%m.%Y") if opened else str(pot.year)
        meta["date_end"] = closed.strftime("%d.%m.%Y") if closed else str(pot.year)
    if pot.ballot_method != BallotMethod.POINTS:
        meta["min_length"] = str(pot.min_picks)
        if pot.max_picks is not None:
            meta["max_length"] = str(pot.max_picks)
    if pot.spending_cap is not None:
        meta["max_sum_cost"] = str(pot.spending_cap)
    if pot.ballot_method == BallotMethod.POINTS:
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
    scored = pot.ballot_method in (BallotMethod.POINTS, BallotMethod.RANKED)
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


def _vote(pot, ballot_id: str, choices, channel: str, cells, length: int):
    """One stored ballot as ballots.pb writes it (pabulib_export.Vote)."""
    if pot.ballot_method == BallotMethod.POINTS:
        ordered = sorted(choices, key=lambda pair: (-pair[1], pair[0]))
        return pabulib_export.Vote(
            ballot_id, [str(p) for p, _ in ordered], channel, [n for _, n in ordered], cells
        )
    if pot.ballot_method == BallotMethod.RANKED:
        earned = [length - rank for rank in range(len(choices))]
        return pabulib_export.Vote(ballot_id, [str(c) for c in choices], channel, earned, cells)
    return pabulib_export.Vote(ballot_id, [str(c) for c in choices], channel, None, cells)


def _ballot_rows(pot, batch: int | None = None):
    query = (
        select(Ballot.id, Ballot.choices, Ballot.channel)
        .where(Ballot.pot_id == pot.id)
        .order_by(Ballot.id)
    )
    if batch:
        query = query.execution_options(yield_per=batch)
    return db.session.execute(query)


def _imported_cells(pot) -> dict:
    return dict(
        db.session.execute(
            select(ImportedVote.ballot_id, ImportedVote.cells).where(ImportedVote.pot_id == pot.id)
        ).all()
    )


def ballots_file(pot, result) -> pabulib.PabulibFile:
    """The pot's ballots as a pabulib file that passes pabulib's checker; each row names
    internet or paper, and an imported ballot keeps its source's age, sex and other cells.

    A ranking lists beside it the points each rank earns in the count (length - rank + 1),
    as Kraków's files do, so the projects' scores can be checked against the ballots.
    """
    length = pot.max_picks or len(ballot_proposals(pot))
    imported = _imported_cells(pot)
    votes = [
        _vote(pot, ballot_id, choices, channel, _cells(imported, ballot_id), length)
        for ballot_id, choices, channel in _ballot_rows(pot)
    ]
    return pabulib_export.build(
        _meta(pot),
        pot.currency,
        _projects(pot, result),
        votes,
        points=pot.ballot_method != BallotMethod.APPROVAL,
        rule_note=_rule_note(pot, result),
    )


def _cells(imported: dict, ballot_id: str) -> dict:
    return {k: v for k, v in imported.get(ballot_id, {}).items() if k != "voting_method"}


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


class _Hashing(io.RawIOBase):
    """A write-only stream into a zip entry that also hashes what passes through."""

    def __init__(self, target):
        self.target, self.digest = target, hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        self.target.write(data)
        return len(data)


_BATCH = 5000  # ballots fetched per round trip while streaming


def _entry(archive: zipfile.ZipFile, name: str):
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    # No forced zip64: entries stay under 4 GiB up to tens of millions of ballots, and plain
    # headers are what every zip tool reads the same way.
    return archive.open(info, "w")


def _write_ballots(archive, pot, result) -> str:
    """ballots.pb, streamed: the header as pabulib_export builds it, then one row per ballot
    as the database hands them over, so memory does not grow with the number of ballots.

    An imported election (its votes' source cells decide which columns the file has, and
    are bounded by the file it came from) is built whole by `ballots_file` instead."""
    with _entry(archive, "ballots.pb") as raw:
        hashing = _Hashing(raw)
        text = io.TextIOWrapper(io.BufferedWriter(hashing, 1 << 16), "utf-8", newline="")
        if imported_source(pot) is not None:
            text.write(pabulib.dumps(ballots_file(pot, result)))
        else:
            _stream_native_ballots(text, pot, result)
        text.flush()
        text.detach()
    return hashing.digest.hexdigest()


def _stream_native_ballots(text, pot, result) -> None:
    points = pot.ballot_method != BallotMethod.APPROVAL
    header = pabulib_export.build(
        _meta(pot),
        pot.currency,
        _projects(pot, result),
        [],
        points=points,
        rule_note=_rule_note(pot, result),
    )
    count = db.session.scalar(select(func.count()).where(Ballot.pot_id == pot.id)) or 0
    header.meta["num_votes"] = str(count)
    text.write(pabulib.dumps(header))
    writer = csv.writer(text, delimiter=";", lineterminator="\n")  # as pabulib.dumps
    extra = ["voting_method"]
    length = pot.max_picks or len(ballot_proposals(pot))
    for ballot_id, choices, channel in _ballot_rows(pot, _BATCH):
        vote = _vote(pot, ballot_id, choices, channel, {}, length)
        writer.writerow(pabulib_export.vote_row(vote, extra, points))


def _write_events(archive, pot) -> str:
    """events.jsonl, streamed from the chain in height order."""
    with _entry(archive, "events.jsonl") as raw:
        hashing = _Hashing(raw)
        out = io.BufferedWriter(hashing, 1 << 16)
        # Plain rows, not ORM objects (60% of the build went into making those); each is
        # written by ChainEvent.line itself, so the bytes are the chain's own.
        query = (
            select(
                ChainEvent.height,
                ChainEvent.type,
                ChainEvent.parent,
                ChainEvent.payload_sha256,
                ChainEvent.at,
            )
            .where(ChainEvent.pot_id == pot.id)
            .order_by(ChainEvent.height)
            .execution_options(yield_per=_BATCH)
        )
        for row in db.session.execute(query):
            # A Row with the event's columns, not a loaded ChainEvent: lighter over a long chain.
            out.write(ChainEvent.line(row).encode() + b"\n")  # type: ignore[arg-type]
        out.flush()
    return hashing.digest.hexdigest()


def _write_small(archive, name: str, data: bytes) -> str:
    with _entry(archive, name) as out:
        out.write(data)
    return chain.sha256_hex(data)


def write(pot, target) -> None:
    """Write the signed audit package of a published pot into the binary file `target`.

    Streams the ballots and the chain, so memory stays flat however large the pot is.
    """
    published = publications(pot)
    if not published:
        raise NotPublished(gettext("%(pot)s has no published results yet.", pot=pot.name))
    result = published[0]
    _, private = signing.signer(pot.council)  # before any work: no key, no package
    manifest_bytes = (
        json.dumps(manifest(pot, result), indent=2, ensure_ascii=False) + "\n"
    ).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        sums = {"manifest.json": _write_small(archive, "manifest.json", manifest_bytes)}
        sums["ballots.pb"] = _write_ballots(archive, pot, result)
        results_bytes = chain.canonical(document(result))
        sums["results.json"] = _write_small(archive, "results.json", results_bytes)
        sums["events.jsonl"] = _write_events(archive, pot)
        listing = "".join(f"{sums[name]}  {name}\n" for name in FILES).encode()
        _write_small(archive, "SHA256SUMS", listing)
        _write_small(archive, "SHA256SUMS.sig", (private.sign(listing).hex() + "\n").encode())


def build(pot) -> bytes:
    """The signed audit package of a published pot, as zip bytes (for tests and the CLI;
    the site serves the stored copy, see `store`)."""
    buffer = io.BytesIO()
    write(pot, buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class StoredPackage:
    name: str
    sha256: str
    size: int
    version: int
    # The publication it was built for: a stored file is served only for that very one
    # (not after a restore or a rolled-back test left another pot with the same id).
    results_sha256: str


def _index_name(pot) -> str:
    return f"pot-{pot.id}.json"


def store(pot) -> StoredPackage:
    """Build the pot's package once, compressed, into storage, with its SHA-256.

    Called when results are published (and again for a correction); downloads then serve
    the stored file. The one entry point for a background job to call later.
    """
    published = publications(pot)
    if not published:
        raise NotPublished(gettext("%(pot)s has no published results yet.", pot=pot.name))
    version = published[0].version
    results_sha256 = chain.sha256_hex(chain.canonical(document(published[0])))
    # The same publication always builds the same bytes, so racing builders agree.
    name = f"pot-{pot.id}-v{version}-{results_sha256[:16]}.zip"
    files = storage.storage()
    digest = hashlib.sha256()
    with files.writing(name) as out:
        write(pot, out)
        out.seek(0)
        for chunk in iter(lambda: out.read(1 << 20), b""):
            digest.update(chunk)
        size = out.tell()
    package = StoredPackage(name, digest.hexdigest(), size, version, results_sha256)
    files.write_json(_index_name(pot), package.__dict__)
    return package


def stored(pot):
    """The stored package of the pot's current publication and its file, or None."""
    files = storage.storage()
    index = files.read_json(_index_name(pot))
    published = publications(pot)
    if not index or not published:
        return None
    if index.get("results_sha256") != chain.sha256_hex(chain.canonical(document(published[0]))):
        return None
    try:
        package = StoredPackage(**index)
    except TypeError:
        return None
    path = files.path(package.name)
    return (package, path) if path is not None else None


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
    points = pot.ballot_method != BallotMethod.APPROVAL
    meta = pabulib_export.build(_meta(pot), pot.currency, projects, [], points=points).meta
    # META title, key;value header, its rows; PROJECTS title, header, rows; VOTES title, header.
    header = 2 + len(meta) + 2 + len(projects) + 2
    before = db.session.scalar(
        select(func.count()).where(Ballot.pot_id == pot.id, Ballot.id < ballot_id)
    )
    return header + (before or 0) + 1


@signals.published.connect
def _store_on_publication(app, pot, **_):
    """Build the package once the publication is committed (a side effect after the commit).
    If it fails the publication stands, and the first download builds what is missing."""
    try:
        store(pot)
    except Exception:  # logged; pb.audit.views.download builds a missing package
        app.logger.exception("could not store the audit package of pot %s", pot.id)
