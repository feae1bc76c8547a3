"""Proposing projects, and finding them again."""

from flask_babel import gettext as _
from sqlalchemy import or_, select

from pb.audit.services import record
from pb.extensions import db
from pb.pots.models import Phase
from pb.proposals.models import Proposal

EDITABLE_FIELDS = (
    "title", "summary", "description", "cost", "category", "latitude", "longitude", "asset_id",
    "ward_id",
)  # fmt: skip


class ProposalError(Exception):
    pass


def submit_proposal(pot, proposer, **fields) -> Proposal:
    """Add a resident's proposal to a pot that is open for proposals."""
    if pot.phase != Phase.PROPOSALS:
        raise ProposalError(_("%(name)s is not taking proposals at the moment.", name=pot.name))
    fields.setdefault("ward_id", pot.ward_id)
    proposal = Proposal(pot=pot, proposer=proposer, **fields)
    db.session.add(proposal)
    db.session.flush()
    record("proposal.submitted", actor=proposer, pot=pot, proposal=proposal.id)
    return proposal


def update_proposal(proposal: Proposal, editor, **fields) -> None:
    """Let the proposer change their proposal until the pot's review starts."""
    if not proposal.editable_by(editor):
        raise ProposalError(_("This proposal can no longer be changed: its review has started."))
    changed = sorted(
        name
        for name in EDITABLE_FIELDS
        if name in fields and getattr(proposal, name) != fields[name]
    )
    for name in changed:
        setattr(proposal, name, fields[name])
    if changed:
        record(
            "proposal.edited", actor=editor, pot=proposal.pot, proposal=proposal.id, fields=changed
        )


def list_proposals(
    pot,
    *,
    category: str | None = None,
    words: str | None = None,
    statuses: tuple[str, ...] | None = None,
) -> list[Proposal]:
    """A pot's proposals, optionally of one category and containing every given word."""
    query = select(Proposal).where(Proposal.pot_id == pot.id)
    if statuses:
        query = query.where(Proposal.status.in_(statuses))
    if category:
        query = query.where(Proposal.category == category)
    for word in (words or "").split()[:10]:
        query = query.where(
            or_(
                Proposal.title.icontains(word, autoescape=True),
                Proposal.summary.icontains(word, autoescape=True),
                Proposal.description.icontains(word, autoescape=True),
            )
        )
    return list(db.session.scalars(query.order_by(Proposal.title, Proposal.id)))
