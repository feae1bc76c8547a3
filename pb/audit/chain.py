"""Each pot's public hash chain: opening, every cast, closing, tally and publication.

The chain is what `events.jsonl` in the audit package holds. An event's parent is the
SHA-256 of the previous event's line, so a verifier can tell that nothing was removed,
inserted, changed or reordered. Appending takes the chain's own lock, so two casts at the same
moment cannot both claim the same height (the unique key on (pot, height) backs this up).
"""

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from pb.audit.models import ChainEvent
from pb.extensions import db
from pb.timeutil import utcnow

GENESIS = "0" * 64
# Events that name one ballot (by its receipt's hash or its id's) carry no clock time: a time
# beside them could be matched with who was on the site at that moment (and, for imports,
# says nothing). Their height and parent give their order.
UNTIMED = ("ballot_cast", "imported_ballot")


def canonical(value) -> bytes:
    """JSON with sorted keys and no spaces: the one byte form that gets hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def timestamp(moment: datetime | None = None) -> str:
    """UTC, to the second, as written in the chain ("2026-05-01T09:30:00Z")."""
    moment = moment or utcnow()
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; they are UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def opening_payload(pot) -> bytes:
    """What the opening event commits to: the pot, its tie-break seed's SHA-256 and the
    public ballot key that seals its online ballots."""
    return canonical({"pot": pot.id, "seed_sha256": pot.seed_sha256, "ballot_key": pot.sealing_key})


# The first key of the chain's advisory locks (PostgreSQL); the second is the pot's id.
_CHAIN_LOCKS = 0x7062  # "pb"


def _lock_chain(pot) -> None:
    """Hold the pot's chain head for this transaction (released at commit or rollback).

    An advisory lock, not the pot's row: casts hold the row FOR SHARE (pb.pots.services.lock)
    so that closing waits for them, and two of them upgrading to a row lock would deadlock.
    SQLite serialises writing transactions already.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(_CHAIN_LOCKS, pot.id)))


def append(pot, type_: str, payload_sha256: str, at: datetime | None = None) -> ChainEvent:
    """Add an event to the pot's chain, in the current transaction."""
    return append_many(pot, [(type_, payload_sha256)], at)[0]


def events(pot) -> list[ChainEvent]:
    query = select(ChainEvent).where(ChainEvent.pot_id == pot.id).order_by(ChainEvent.height)
    return list(db.session.scalars(query))


def jsonl(pot) -> str:
    return "".join(event.line() + "\n" for event in events(pot))


def append_many(
    pot, entries: list[tuple[str, str]], at: datetime | None = None
) -> list[ChainEvent]:
    """Add events in order (one cast, or a whole imported election), in this transaction."""
    # The chain head cannot move under us (see _lock_chain); the unique key on
    # (pot, height) backs this up.
    _lock_chain(pot)
    head = db.session.scalar(
        select(ChainEvent)
        .where(ChainEvent.pot_id == pot.id)
        .order_by(ChainEvent.height.desc())
        .limit(1)
    )
    height = head.height + 1 if head else 0
    parent = sha256_hex(head.line()) if head else GENESIS
    stamp = timestamp(at)
    added = []
    for type_, payload_sha256 in entries:
        event = ChainEvent(
            pot_id=pot.id,
            height=height,
            type=type_,
            parent=parent,
            payload_sha256=payload_sha256,
            at=None if type_ in UNTIMED else stamp,
        )
        db.session.add(event)
        added.append(event)
        parent, height = sha256_hex(event.line()), height + 1
    db.session.flush()
    return added
