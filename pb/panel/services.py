"""What a ward panel does to a pot: move it through its phases, choose the ballot."""

from sqlalchemy import func, select

from pb.audit.services import record
from pb.extensions import db
from pb.pots.models import PhaseError, Pot
from pb.proposals.models import Proposal

PHASE_ACTIONS = {
    "open_proposals": "Open for proposals",
    "start_review": "Close proposals and start review",
    "open_voting": "Open voting",
    "close_voting": "Close voting",
}


def managed_pots(user) -> list[Pot]:
    """The pots whose ward the user is a panel member for (every pot for an admin)."""
    pots = db.session.scalars(select(Pot).order_by(Pot.year.desc(), Pot.name))
    return [pot for pot in pots if user.has_role("panel", pot.ward_id)]


def change_phase(pot: Pot, action: str, actor) -> None:
    """Run one phase transition on the pot (the model guards it) and log who did it."""
    before = pot.phase
    if action == "open_voting":
        on_ballot = db.session.scalar(
            select(func.count()).where(Proposal.pot_id == pot.id, Proposal.status == "on_ballot")
        )
        pot.open_voting(on_ballot)
    else:
        getattr(pot, action)()
    record("pot.phase_changed", actor=actor, pot=pot, before=before, after=pot.phase)


def set_on_ballot(proposal: Proposal, on_ballot: bool, actor) -> None:
    """Put a proposal on the ballot or take it off, while the pot is under review."""
    if proposal.pot.phase != "review":
        raise PhaseError("The ballot can only be chosen while proposals are under review.")
    proposal.status = "on_ballot" if on_ballot else "feasible"
    record(
        "proposal.ballot_changed",
        actor=actor,
        pot=proposal.pot,
        proposal=proposal.id,
        on_ballot=on_ballot,
    )
