"""What a ward panel does to a pot: set it up, move it through its phases, review proposals."""

from sqlalchemy import func, select

from pb.audit import chain
from pb.audit.services import record
from pb.extensions import db
from pb.http import absolute_url
from pb.mail import queue_mail
from pb.money import format_money
from pb.pots.models import PhaseError, Pot
from pb.proposals.models import Proposal
from pb.results.services import count_by_channel

PHASE_ACTIONS = {
    "open_proposals": "Open for proposals",
    "start_review": "Close proposals and start review",
    "open_voting": "Open voting",
    "close_voting": "Close voting",
}
# Settings that decide how the ballot is counted: fixed once voting opens.
FROZEN_SETTINGS = (
    "ballot_method",
    "min_picks",
    "max_picks",
    "spending_cap",
    "points_total",
    "points_max",
    "rule",
    "eligibility_mode",
    "min_age",
    "ward_id",
    "amount",
)


def managed_pots(user) -> list[Pot]:
    """The pots the user may manage or audit, newest first."""
    pots = db.session.scalars(select(Pot).order_by(Pot.year.desc(), Pot.name))
    return [
        pot for pot in pots if user.may_manage(pot) or user.is_auditor or user.is_officer_for(pot)
    ]


def create_pot(council, actor, settings: dict) -> Pot:
    pot = Pot(council=council, phase="draft", **settings)
    db.session.add(pot)
    db.session.flush()
    record("pot.created", actor=actor, pot=pot, settings=_jsonable(settings))
    return pot


def update_pot(pot: Pot, actor, settings: dict) -> list[str]:
    """Change a pot's set-up; the ballot rules are refused once voting has opened."""
    changed = [name for name, value in settings.items() if getattr(pot, name) != value]
    frozen = [name for name in changed if name in FROZEN_SETTINGS]
    if frozen and pot.settings_frozen:
        raise PhaseError("The ballot rules cannot change once voting has opened.")
    for name in changed:
        setattr(pot, name, settings[name])
    if changed:
        record(
            "pot.settings_changed",
            actor=actor,
            pot=pot,
            changes={name: _jsonable(settings[name]) for name in changed},
        )
    return changed


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


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
    payload = {"before": before, "after": pot.phase}
    if action == "open_voting":
        payload["seed_sha256"] = pot.seed_sha256  # the commitment, public from now on
        chain.append(pot, "voting_opened", chain.sha256_hex(chain.opening_payload(pot)))
    elif action == "close_voting":
        counts = count_by_channel(pot)
        chain.append(pot, "voting_closed", chain.sha256_hex(chain.canonical(counts)))
    record("pot.phase_changed", actor=actor, pot=pot, **payload)


def _require_review(proposal: Proposal) -> None:
    if proposal.pot.phase not in ("proposals", "review"):
        raise PhaseError("Proposals can be reviewed only before voting opens.")


def mark_feasible(proposal: Proposal, actor, cost: int, note: str | None) -> None:
    """Accept a proposal as feasible, possibly at a different cost (with a public reason)."""
    _require_review(proposal)
    if cost <= 0 or cost > proposal.pot.amount:
        raise PhaseError(
            f"The cost must be between {format_money(1, proposal.pot.currency)} and "
            f"{format_money(proposal.pot.amount, proposal.pot.currency)}."
        )
    if cost != proposal.cost:
        if not (note or "").strip():
            raise PhaseError("Give the reason for changing the cost; it is shown publicly.")
        proposal.proposed_cost = proposal.proposed_cost or proposal.cost
        proposal.cost = cost
    proposal.status = "feasible"
    proposal.review_note = (note or "").strip() or None
    record("proposal.feasible", actor=actor, pot=proposal.pot, proposal=proposal.id, cost=cost)


def mark_not_feasible(proposal: Proposal, actor, note: str) -> None:
    """Turn a proposal down with a public reason; the proposer is told by e-mail."""
    _require_review(proposal)
    proposal.status = "not_feasible"
    proposal.review_note = note.strip()
    record("proposal.not_feasible", actor=actor, pot=proposal.pot, proposal=proposal.id)
    if proposal.proposer is not None:
        queue_mail(
            proposal.proposer.email,
            f"Your proposal \u201c{proposal.title}\u201d",
            "mail/not_feasible.txt",
            proposal=proposal,
            url=absolute_url("proposals.show", proposal_id=proposal.id),
        )


def merge(proposal: Proposal, into: Proposal, actor) -> None:
    """Fold a duplicate into another proposal of the same pot."""
    _require_review(proposal)
    if into.pot_id != proposal.pot_id or into.id == proposal.id:
        raise PhaseError("Merge into another proposal of the same pot.")
    if into.status in ("merged", "not_feasible"):
        raise PhaseError("Merge into a proposal that is still being considered.")
    proposal.status = "merged"
    proposal.merged_into_id = into.id
    proposal.review_note = f"Merged into \u201c{into.title}\u201d."
    record("proposal.merged", actor=actor, pot=proposal.pot, proposal=proposal.id, into=into.id)


def set_on_ballot(proposal: Proposal, on_ballot: bool, actor) -> None:
    """Put a feasible proposal on the ballot or take it off, while the pot is under review."""
    if proposal.pot.phase != "review":
        raise PhaseError("The ballot can only be chosen while proposals are under review.")
    if on_ballot and proposal.status != "feasible":
        raise PhaseError("Only proposals marked feasible can go on the ballot.")
    if not on_ballot and proposal.status != "on_ballot":
        raise PhaseError("This proposal is not on the ballot.")
    proposal.status = "on_ballot" if on_ballot else "feasible"
    record(
        "proposal.ballot_changed",
        actor=actor,
        pot=proposal.pot,
        proposal=proposal.id,
        on_ballot=on_ballot,
    )
