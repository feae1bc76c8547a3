"""Opening the envelopes: after the close, with the pot's ballot key, the sealed ballots come
out in the clear, shuffled with the counted paper ballots, and the sealed rows are destroyed.

Everything happens in one transaction or not at all: a wrong key, too few trustees' shares,
or one sealed ballot that does not open (or does not hold a valid ballot) changes nothing.
The plaintext ballots are inserted in a random order (secrets.SystemRandom), all in the same
transaction, so neither their physical order nor their transaction id says anything about
the order of casting; nothing in them points back to their sealed row.
"""

import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from pb.audit import chain
from pb.audit.models import ChainEvent
from pb.audit.services import record
from pb.extensions import db
from pb.paper.models import BatchStatus, PaperBatch
from pb.pots.services import lock
from pb.transaction import atomic
from pb.voting import ballots, sealing
from pb.voting.models import Ballot, Participation, SealedBallot
from pb.voting.services import ballot_proposals


class OpeningError(Exception):
    """The envelopes could not be opened; nothing was changed. The message says why."""


@dataclass(frozen=True)
class Opened:
    online: int
    paper: int


def ballots_digest(rows) -> str:
    """SHA-256 of the opened ballots, (id, channel, choices) sorted by id: what the chain's
    opening event commits to, and what `pb verify` recomputes from ballots.pb."""
    listed = sorted([ballot_id, channel, choices] for ballot_id, channel, choices in rows)
    return chain.sha256_hex(chain.canonical(listed))


def opening_payload(online: int, paper: int, digest: str) -> bytes:
    return chain.canonical({"online": online, "paper": paper, "ballots_sha256": digest})


def counted_paper_ballots(pot) -> list[list]:
    """The ballots of the pot's counted paper batches (both entries agreed), batch by batch."""
    counted = db.session.scalars(
        select(PaperBatch)
        .where(PaperBatch.pot_id == pot.id, PaperBatch.status == BatchStatus.COUNTED)
        .order_by(PaperBatch.number)
    )
    return [choices for batch in counted for choices in batch.entries[0].ballots]


@atomic
def open_envelopes(pot, actor, codes: list[str]) -> Opened:
    """Open the pot's sealed ballots with its key (one code, or k trustees' shares)."""
    lock(pot)
    pot.open_envelopes()  # raises PhaseError unless closed and not yet opened
    sealed = list(
        db.session.execute(
            select(SealedBallot.receipt_sha256, SealedBallot.sealed, SealedBallot.tag)
            .where(SealedBallot.pot_id == pot.id)
            .order_by(SealedBallot.id)
        )
    )
    secret = current_app.config["SECRET_KEY"]
    try:
        key = sealing.private_key_for(pot, codes) if (sealed or pot.sealing_key) else None
    except sealing.BallotKeyError as exc:
        raise OpeningError(str(exc)) from None
    proposals = ballot_proposals(pot)
    rows, seen = [], set()
    for position, (receipt_sha256, blob, tag) in enumerate(sealed, start=1):
        # `sealed` is not empty here, so the key was read above (or the opening refused).
        assert key is not None
        try:
            ballot_id, choices = sealing.unseal(key, blob)
            valid = ballots.check(pot, proposals, choices) == choices
        except (sealing.SealError, ballots.BallotError):
            valid = False
        # Sealed to the right key but not stored by pb's cast (forged with the public key):
        valid = valid and hmac.compare_digest(
            tag, sealing.tag(secret, pot.id, receipt_sha256, blob)
        )
        if not valid or ballot_id in seen:
            raise OpeningError(
                _(
                    "Sealed ballot %(position)s of %(n)s does not open as a valid ballot of"
                    " this pot: it may have been tampered with. Nothing has been opened.",
                    position=position,
                    n=len(sealed),
                )
            )
        seen.add(ballot_id)
        rows.append((ballot_id, "online", choices))
    paper = counted_paper_ballots(pot)
    rows.extend((secrets.token_hex(16), "paper", choices) for choices in paper)
    secrets.SystemRandom().shuffle(rows)
    if rows:
        db.session.execute(
            insert(Ballot),
            [{"id": i, "pot_id": pot.id, "channel": c, "choices": ch} for i, c, ch in rows],
        )
    db.session.execute(delete(SealedBallot).where(SealedBallot.pot_id == pot.id))
    payload = opening_payload(len(sealed), len(paper), ballots_digest(rows))
    chain.append(pot, "envelopes_opened", chain.sha256_hex(payload))
    record("pot.envelopes_opened", actor=actor, pot=pot, online=len(sealed), paper=len(paper))
    return Opened(len(sealed), len(paper))


def channel_counts(pot) -> dict:
    """Participations and ballots per channel, as the closing event commits to them.

    Before the opening, online ballots are the sealed ones and paper ballots those of the
    counted batches; after it, the opened ballots. An imported election has no
    participations of its own: each of its ballots stands for one.
    """
    taken = dict(
        db.session.execute(
            select(Participation.channel, func.count())
            .where(Participation.pot_id == pot.id)
            .group_by(Participation.channel)
        ).all()
    )
    if pot.envelopes_opened_at is None:
        online = db.session.scalar(select(func.count()).where(SealedBallot.pot_id == pot.id)) or 0
        cast = {"online": online, "paper": len(counted_paper_ballots(pot))}
    else:
        cast = dict(
            db.session.execute(
                select(Ballot.channel, func.count())
                .where(Ballot.pot_id == pot.id)
                .group_by(Ballot.channel)
            ).all()
        )
    cast = {"online": cast.get("online", 0), "paper": cast.get("paper", 0)}
    imported = db.session.scalar(
        select(ChainEvent.id)
        .where(ChainEvent.pot_id == pot.id, ChainEvent.type == "imported_ballot")
        .limit(1)
    )
    if imported is not None:
        taken = cast
    return {
        "participations": {"online": taken.get("online", 0), "paper": taken.get("paper", 0)},
        "ballots": cast,
    }
