"""What a ward panel does to a pot: set it up, move it through its phases, review proposals."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pb import access
from pb.audit import chain
from pb.audit.services import record
from pb.conversation import notify, supports
from pb.councils.models import Council, site_council
from pb.extensions import db
from pb.i18n import day
from pb.money import format_money
from pb.pots.models import FROZEN_SETTINGS, Phase, PhaseError, Pot, Round
from pb.pots.services import lock
from pb.proposals.models import Proposal, ProposalStatus
from pb.results.opening import channel_counts
from pb.timeutil import today, utcnow
from pb.transaction import atomic
from pb.voting import sealing

PHASE_ACTIONS = {
    "open_proposals": _l("Open for proposals"),
    "open_supports": _l("Close proposals and open supports"),
    "start_review": _l("Close proposals and start review"),
    "open_voting": _l("Open voting"),
    "close_voting": _l("Close voting"),
}
# The phase each step starts from: only the step that fits the pot's phase is offered.
_STEP_FROM = {
    "open_proposals": "draft",
    "open_supports": "proposals",
    "start_review": "proposals",  # "supports" for a pot with a supports phase (_start_of)
    "open_voting": "review",
    "close_voting": "voting",
}


class ConfirmationNeeded(PhaseError):
    """The step cannot be undone and is unusual now: it needs a reason and a confirmation."""


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    # Why the step needs the panel to confirm it with a reason, or None when it does not.
    confirm_because: str | None = None


def next_steps(pot: Pot) -> list[Step]:
    """The phase steps possible for the pot now (none, or one), with any confirmation."""
    steps = []
    for action in _STEP_FROM:
        if pot.phase != _start_of(pot, action):
            continue
        if action == "open_voting" and not pot.can_open_voting:
            continue  # the ballot key comes first; the page offers that step instead
        steps.append(Step(action, PHASE_ACTIONS[action], _confirm_because(pot, action)))
    return steps


def _start_of(pot: Pot, action: str) -> str | None:
    """The phase a step starts from for this pot (None: the pot has no such step)."""
    if action == "open_supports":
        return "proposals" if pot.supports_rule else None
    if action == "start_review" and pot.supports_rule:
        return "supports"
    return _STEP_FROM[action]


def _why_not(pot: Pot, action: str) -> str:
    if pot.phase == _start_of(pot, action):
        return _("Make the ballot key and have its holders confirm it before voting opens.")
    not_now = _(
        "“%(step)s” is not possible now; the page lists the steps that are.",
        step=PHASE_ACTIONS[action],
    )
    return f"{pot.state_sentence} {not_now}"


def _confirm_because(pot: Pot, action: str) -> str | None:
    if action == "close_voting" and pot.voting_closes_on and today() < pot.voting_closes_on:
        return _(
            "Voting is planned to close on %(day)s. Closing now stops every resident who "
            "has not voted yet from voting, and cannot be undone.",
            day=day(pot.voting_closes_on),
        )
    return None


def council_for_new_pot() -> Council | None:
    """The council a new pot belongs to: the site's own, the first one set up (one site
    serves one council; councils that imported elections bring come later)."""
    return site_council()


def managed_pots(user) -> list[Pot]:
    """The pots the user may manage or audit, newest first."""
    pots = db.session.scalars(select(Pot).order_by(Pot.year.desc(), Pot.name))
    return [pot for pot in pots if access.may_read_pot(user, pot)]


def create_pot(council, actor, settings: dict) -> Pot:
    """Set up a draft pot: by an admin, or by a panel for a ward it manages (a council-wide
    pot needs a council-wide panel grant). Only the admin picks a round other than the year's,
    for the reason update_pot gives."""
    settings = dict(settings)
    if not actor.may_manage_ward(settings.get("ward_id")):
        raise PhaseError(_("You can set up pots only for the wards your panel manages."))
    round_name = settings.pop("round_name", None) or str(settings["year"])
    if round_name != str(settings["year"]) and not actor.has_role("admin"):
        raise PhaseError(
            _(
                "Only the council's admin can put a pot in the round \u201c%(round)s\u201d; "
                "leave the round empty to use the year's.",
                round=round_name,
            )
        )
    pot = Pot(
        council=council, phase=Phase.DRAFT, round=round_named(council, round_name), **settings
    )
    db.session.add(pot)
    db.session.flush()
    record("pot.created", actor=actor, pot=pot, settings=_jsonable(settings))
    return pot


@atomic
def update_pot(pot: Pot, actor, settings: dict) -> list[str]:
    """Change a pot's set-up; the ballot rules are refused once voting has opened."""
    settings = dict(settings)
    if round_name := settings.pop("round_name", None):
        moved = round_named(pot.council, round_name).id
        if moved != pot.round_id and not access.is_admin(actor):
            # A panel moving its own pot into a round of its own would let its residents
            # vote in a second ward pot: rounds are the council's to arrange.
            raise PhaseError(_("Only the council's admin can move a pot to another round."))
        settings["round_id"] = moved
    changed = [name for name, value in settings.items() if getattr(pot, name) != value]
    frozen = [name for name in changed if name in FROZEN_SETTINGS]
    if frozen and pot.settings_frozen:
        raise PhaseError(_("The ballot rules cannot change once voting has opened."))
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


@atomic
def change_phase(
    pot: Pot, action: str, actor, *, reason: str | None = None, confirmed: bool = False
) -> None:
    """Run one phase transition on the pot (the model guards it) and log who did it.

    A step that needs confirmation (closing before the planned close) raises
    ConfirmationNeeded until it comes with `confirmed` and a reason, which the audit log
    keeps. Closing takes the pot's row lock first, so its counts include every ballot
    committed before it and no cast or paper entry lands after it.
    """
    if action not in _STEP_FROM:
        raise PhaseError(_("Choose one of the listed steps."))
    lock(pot)  # two panel members clicking at once: the second sees the first's step
    if action not in {step.action for step in next_steps(pot)}:
        raise PhaseError(_why_not(pot, action))
    because = _confirm_because(pot, action)
    reason = (reason or "").strip() or None
    if because and not (confirmed and reason):
        raise ConfirmationNeeded(because)
    before = pot.phase
    if action == "open_voting":
        on_ballot = db.session.scalar(
            select(func.count()).where(
                Proposal.pot_id == pot.id, Proposal.status == ProposalStatus.ON_BALLOT
            )
        )
        pot.open_voting(on_ballot or 0)
    elif action == "start_review" and before == Phase.SUPPORTS:
        outcome = supports.apply_outcome(pot, actor)  # counted while it is still open
        pot.start_review()
    else:
        getattr(pot, action)()
    payload: dict[str, object] = {"before": before, "after": pot.phase}
    if reason:
        payload["reason"] = reason
    if action == "open_voting":
        payload["seed_sha256"] = pot.seed_sha256  # the commitment, public from now on
        payload["ballot_key"] = pot.sealing_key
        chain.append(pot, "voting_opened", chain.sha256_hex(chain.opening_payload(pot)))
    elif action == "close_voting":
        counts = channel_counts(pot)
        payload["counts"] = counts
        chain.append(pot, "voting_closed", chain.sha256_hex(chain.canonical(counts)))
    record("pot.phase_changed", actor=actor, pot=pot, **payload)
    if action == "start_review" and before == "supports":
        notify.supports_result(pot, outcome)
    elif action == "open_voting":
        notify.voting_opened(pot)


@atomic
def make_ballot_key(pot: Pot, actor, holders: int, threshold: int) -> sealing.NewKey:
    """Make the pot's ballot key before voting opens; only its public half is stored.

    The codes returned are shown once to the key holders and kept nowhere by pb. A new key
    replaces an unconfirmed or confirmed earlier one until voting opens.
    """
    lock(pot)  # not while another member opens voting or confirms the key
    if not pot.can_make_ballot_key:
        raise PhaseError(_("The ballot key is made before voting opens, and cannot change after."))
    key = sealing.new_key(holders, threshold)
    pot.sealing_key, pot.key_holders, pot.key_threshold = key.public_hex, holders, key.threshold
    pot.key_confirmed_at = None
    record(
        "pot.ballot_key_made",
        actor=actor,
        pot=pot,
        public_key=key.public_hex,
        holders=holders,
        threshold=key.threshold,
    )
    return key


@atomic
def confirm_ballot_key(pot: Pot, actor, codes: list[str]) -> None:
    """The holders type the key (or k shares) back in: proof it was kept, before voting."""
    lock(pot)  # the key checked is the pot's key as it is now, not one replaced meanwhile
    if not pot.can_make_ballot_key:
        raise PhaseError(_("The ballot key is confirmed before voting opens."))
    sealing.private_key_for(pot, codes)  # raises BallotKeyError when it does not fit
    pot.key_confirmed_at = utcnow()
    record("pot.ballot_key_confirmed", actor=actor, pot=pot, public_key=pot.sealing_key)


def round_named(council, name: str) -> Round:
    """The council's round of that name, made on first use ("2026")."""
    name = " ".join(name.split())[:60]
    found = db.session.scalar(
        select(Round).where(Round.council_id == council.id, func.lower(Round.name) == name.lower())
    )
    if found is None:
        found = Round(council_id=council.id, name=name)
        db.session.add(found)
        db.session.flush()
    return found


def _require_review(proposal: Proposal) -> None:
    if not proposal.pot.proposals_reviewable:
        raise PhaseError(_("Proposals can be reviewed only before voting opens."))


@atomic
def mark_feasible(proposal: Proposal, actor, cost: int, note: str | None) -> None:
    """Accept a proposal as feasible, possibly at a different cost (with a public reason)."""
    _require_review(proposal)
    if cost <= 0 or cost > proposal.pot.amount:
        raise PhaseError(
            _(
                "The cost must be between %(money)s and %(money2)s.",
                money=format_money(1, proposal.pot.currency),
                money2=format_money(proposal.pot.amount, proposal.pot.currency),
            )
        )
    if cost != proposal.cost:
        if not (note or "").strip():
            raise PhaseError(_("Give the reason for changing the cost; it is shown publicly."))
        proposal.proposed_cost = proposal.proposed_cost or proposal.cost
        proposal.cost = cost
    proposal.status = ProposalStatus.FEASIBLE
    proposal.review_note = (note or "").strip() or None
    record("proposal.feasible", actor=actor, pot=proposal.pot, proposal=proposal.id, cost=cost)
    notify.proposal_reviewed(proposal)


@atomic
def mark_not_feasible(proposal: Proposal, actor, note: str) -> None:
    """Turn a proposal down with a public reason; the proposer is told by e-mail."""
    _require_review(proposal)
    proposal.status = ProposalStatus.NOT_FEASIBLE
    proposal.review_note = note.strip()
    record("proposal.not_feasible", actor=actor, pot=proposal.pot, proposal=proposal.id)
    notify.proposal_reviewed(proposal)


@atomic
def merge(proposal: Proposal, into: Proposal, actor) -> None:
    """Fold a duplicate into another proposal of the same pot."""
    _require_review(proposal)
    if into.pot_id != proposal.pot_id or into.id == proposal.id:
        raise PhaseError(_("Merge into another proposal of the same pot."))
    if into.status in ("merged", "not_feasible"):
        raise PhaseError(_("Merge into a proposal that is still being considered."))
    proposal.status = ProposalStatus.MERGED
    proposal.merged_into_id = into.id
    proposal.review_note = _("Merged into “%(title)s”.", title=into.title)
    record("proposal.merged", actor=actor, pot=proposal.pot, proposal=proposal.id, into=into.id)


@atomic
def set_on_ballot(proposal: Proposal, on_ballot: bool, actor) -> None:
    """Put a feasible proposal on the ballot or take it off, while the pot is under review."""
    if not proposal.pot.ballot_editable:
        raise PhaseError(_("The ballot can only be chosen while proposals are under review."))
    if on_ballot and proposal.status != "feasible":
        raise PhaseError(_("Only proposals marked feasible can go on the ballot."))
    if not on_ballot and proposal.status != "on_ballot":
        raise PhaseError(_("This proposal is not on the ballot."))
    proposal.status = ProposalStatus.ON_BALLOT if on_ballot else ProposalStatus.FEASIBLE
    record(
        "proposal.ballot_changed",
        actor=actor,
        pot=proposal.pot,
        proposal=proposal.id,
        on_ballot=on_ballot,
    )
