"""The audit log: an append-only record of every change that matters."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import db
from pb.timeutil import utcnow


class AuditEvent(db.Model):
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
