"""The audit log: an append-only record of every change that matters."""

import json
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import Model
from pb.timeutil import utcnow


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    type: Mapped[str] = mapped_column(String(50), index=True)
    # Who did it; NULL for residents' casts, which must not be linked to a person.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pot_id: Mapped[int | None] = mapped_column(ForeignKey("pots.id"), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


class AppendOnlyError(Exception):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise AppendOnlyError("audit events are append-only")


class ChainEvent(Model):
    """One link of a pot's public hash chain (published as events.jsonl).

    Each event names the SHA-256 of the previous event's line as its parent, so removing,
    changing or reordering any event breaks every later link. Casts carry only the SHA-256 of
    the receipt: the chain proves a ballot was counted without saying whose it was.
    """

    __tablename__ = "chain_events"
    __table_args__ = (UniqueConstraint("pot_id", "height"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    height: Mapped[int]
    type: Mapped[str] = mapped_column(String(30))
    parent: Mapped[str] = mapped_column(String(64))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    # ISO 8601, seconds, UTC, hashed as written. NULL for a cast: a time beside a receipt's
    # hash could be matched with who was on the site at that moment.
    at: Mapped[str | None] = mapped_column(String(32))

    def line(self) -> str:
        """The event as its events.jsonl line, the bytes the next event's parent hashes."""
        fields = {
            "height": self.height,
            "type": self.type,
            "parent": self.parent,
            "payload_sha256": self.payload_sha256,
        }
        if self.at is not None:
            fields["at"] = self.at
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))


@event.listens_for(ChainEvent, "before_update")
@event.listens_for(ChainEvent, "before_delete")
def _refuse_chain_change(mapper, connection, target) -> None:
    raise AppendOnlyError("chain events are append-only")
