"""Writing to the audit log, in the same transaction as the change it records."""

from pb.audit.models import AuditEvent
from pb.extensions import db


def record(type_: str, *, actor=None, pot=None, **payload) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    entry = AuditEvent(
        type=type_,
        actor_id=actor.id if actor is not None else None,
        pot_id=pot.id if pot is not None else None,
        payload=payload,
    )
    db.session.add(entry)
    return entry
