"""We said, we did: which proposals were funded, and the panel's dated updates on them."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from pb.audit.services import record
from pb.conversation import notify
from pb.extensions import db
from pb.pots.models import Phase
from pb.proposals.models import DELIVERY_STATUSES, DeliveryStatus, DeliveryUpdate, Proposal
from pb.results.services import latest
from pb.timeutil import today
from pb.transaction import atomic


class NotFundedError(Exception):
    """Delivery updates are only for projects funded by the pot's latest published result."""


class DeliveryError(ValueError):
    """An update that breaks a delivery rule; the message says which, in plain words."""


def funded_ids(pot) -> list[int]:
    """Proposal ids funded by the pot's latest published result, in the order chosen."""
    if pot.phase != Phase.PUBLISHED:
        return []
    result = latest(pot, published=True)
    return [int(pid) for pid in result.outcome["selected"]] if result else []


def funded_proposals(pot) -> list[Proposal]:
    """The funded proposals of the pot, in the order the tally chose them."""
    ids = funded_ids(pot)
    if not ids:
        return []
    found = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def is_funded(proposal: Proposal) -> bool:
    return proposal.id in funded_ids(proposal.pot)


@dataclass(frozen=True)
class Delivery:
    """Where a funded project stands, for showing: a project not yet updated has not started."""

    status: str
    progress: int
    note: str | None
    updates: list[DeliveryUpdate]

    @property
    def label(self) -> str:
        return str(DELIVERY_STATUSES[self.status])

    @property
    def latest_on(self) -> date | None:
        return self.updates[-1].on if self.updates else None


def delivery(proposal: Proposal, funded: bool | None = None) -> Delivery | None:
    """The project's delivery, or None when it was not funded (so has nothing to deliver)."""
    if funded is None:
        funded = is_funded(proposal)
    if not funded:
        return None
    status = proposal.delivery_status or "not_started"
    return Delivery(
        status=status,
        progress=proposal.delivery_progress or 0,
        note=proposal.delivery_note if status == DeliveryStatus.CANCELLED else None,
        updates=list(proposal.updates),
    )


@atomic
def add_update(
    proposal: Proposal,
    actor,
    *,
    status: str,
    progress: int | None,
    text: str,
    on: date,
    reason: str | None = None,
) -> DeliveryUpdate:
    """Record a dated update and make it the project's current status and progress.

    Only funded projects get updates. Delivered means 100%; cancelled needs a reason, kept
    on the project (and cleared if it is later revived). Updates go forward in time: none
    dated in the future or before the newest one, so the newest update is the current state.
    """
    if not is_funded(proposal):
        raise NotFundedError(
            _(
                "“%(title)s” was not funded by the published results, so it has no "
                "delivery to report.",
                title=proposal.title,
            )
        )
    if status not in DELIVERY_STATUSES:
        raise DeliveryError(_("Choose one of the listed statuses."))
    text = (text or "").strip()
    reason = (reason or "").strip() or None
    if not text:
        raise DeliveryError(_("Say what happened."))
    if status == DeliveryStatus.CANCELLED and reason is None:
        raise DeliveryError(_("Say why the project was cancelled."))
    if status == DeliveryStatus.DELIVERED:
        progress = 100
    if progress is None or not 0 <= progress <= 100:
        raise DeliveryError(_("Enter the progress as a whole number from 0 to 100."))
    if on > today():
        raise DeliveryError(_("The date cannot be in the future."))
    newest = proposal.updates[-1].on if proposal.updates else None
    if newest is not None and on < newest:
        raise DeliveryError(_("The date cannot be before the latest update."))

    update = DeliveryUpdate(
        proposal=proposal,
        on=on,
        status=status,
        progress=progress,
        text=text,
        author_id=actor.id if actor else None,
    )
    db.session.add(update)
    proposal.delivery_status = DeliveryStatus(status)
    proposal.delivery_progress = progress
    proposal.delivery_note = reason if status == DeliveryStatus.CANCELLED else None
    record(
        "delivery.updated",
        actor=actor,
        pot=proposal.pot,
        proposal=proposal.id,
        status=status,
        progress=progress,
        on=on.isoformat(),
    )
    db.session.flush()
    notify.delivery_updated(proposal, update)
    return update
