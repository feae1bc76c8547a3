"""Each pot's public hash chain: opening, every cast, closing, tally and publication.

The chain is what `events.jsonl` in the audit package holds. An event's parent is the
SHA-256 of the previous event's line, so a verifier can tell that nothing was removed,
inserted, changed or reordered. Appending locks the pot's row, so two casts at the same
moment cannot both claim the same height (the unique key on (pot, height) backs this up).
"""

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import select

from pb.audit.models import ChainEvent
from pb.extensions import db
from pb.pots.models import Pot
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


def _lock_chain(pot) -> None:
    db.session.execute(select(Pot.id).where(Pot.id == pot.id).with_for_update(key_share=True))


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
    # Row lock on the pot: the chain head cannot move under us (PostgreSQL; SQLite
    # transactions are serialised already). FOR NO KEY UPDATE, not FOR UPDATE: the cast has
    # already inserted rows referencing the pot, which hold FOR KEY SHARE on it, and two casts
    # each upgrading to FOR UPDATE would deadlock (tests/voting/test_multiprocess.py).
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
