"""Following a pot or a proposal: who hears about what happens to it."""

from flask_babel import gettext as _
from sqlalchemy import select

from pb.auth.models import NOTIFY_CHOICES, User
from pb.conversation.models import Follow
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.timeutil import utcnow


class FollowError(Exception):
    """A follow that cannot be made (a draft pot, say), with the reason for the resident."""


def target_of(thing) -> str:
    """The follow key of a pot or a proposal: "pot:3", "proposal:12"."""
    kind = "proposal" if isinstance(thing, Proposal) else "pot"
    return f"{kind}:{thing.id}"


def _row(user, thing) -> Follow | None:
    return db.session.scalar(
        select(Follow).where(Follow.user_id == user.id, Follow.target == target_of(thing))
    )


def _row_or_new(user, thing) -> Follow:
    row = _row(user, thing)
    if row is None:
        row = Follow(user_id=user.id, target=target_of(thing))
        if isinstance(thing, Proposal):
            row.proposal_id = thing.id
        else:
            row.pot_id = thing.id
        db.session.add(row)
    return row


def is_following(user, thing) -> bool:
    """True when the user hears about `thing`: an active follow, or (for a proposal) being its
    proposer without having stopped."""
    if not getattr(user, "is_authenticated", False):
        return False
    row = _row(user, thing)
    if row is not None:
        return row.stopped_at is None
    return isinstance(thing, Proposal) and thing.proposer_id == user.id


def follow(user, thing) -> None:
    """Start (or restart) following; the resident chose to, so a stopped follow restarts."""
    if (thing.pot if isinstance(thing, Proposal) else thing).is_draft:
        raise FollowError(_("This pot is not open yet."))
    _row_or_new(user, thing).stopped_at = None
    db.session.flush()


def follow_automatically(user, thing) -> None:
    """Proposing or supporting follows the proposal, unless the resident stopped following it."""
    if _row(user, thing) is None:
        follow(user, thing)


def stop(user, thing) -> None:
    """Stop following; the row stays, so supporting again does not sign the resident back up."""
    _row_or_new(user, thing).stopped_at = utcnow()
    db.session.flush()


def followed_by(user) -> list[Follow]:
    """The user's active follows, newest first (the account page lists them)."""
    return list(
        db.session.scalars(
            select(Follow)
            .where(Follow.user_id == user.id, Follow.stopped_at.is_(None))
            .order_by(Follow.id.desc())
        )
    )


def set_choice(user, choice: str) -> None:
    """How the user hears: at once, in a weekly digest, or not at all."""
    if choice not in NOTIFY_CHOICES:
        raise ValueError(choice)
    user.notify = choice
    db.session.flush()


def _active(targets: list[str]) -> list[User]:
    if not targets:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(Follow, Follow.user_id == User.id)
            .where(Follow.target.in_(targets), Follow.stopped_at.is_(None))
        ).unique()
    )


def _stopped_ids(targets: list[str]) -> set[int]:
    if not targets:
        return set()
    return set(
        db.session.scalars(
            select(Follow.user_id).where(Follow.target.in_(targets), Follow.stopped_at.is_not(None))
        )
    )


def audience_of_proposal(proposal: Proposal) -> list[User]:
    """Who hears about one proposal: its followers, and its proposer unless they stopped."""
    target = target_of(proposal)
    users = {u.id: u for u in _active([target])}
    if proposal.proposer is not None and proposal.proposer_id not in _stopped_ids([target]):
        users.setdefault(proposal.proposer.id, proposal.proposer)
    return sorted(users.values(), key=lambda u: u.id)


def audience_of_pot(pot) -> list[User]:
    """Who hears about a pot: followers of the pot or of any of its proposals, and the proposers
    who did not stop following theirs."""
    proposals = list(db.session.scalars(select(Proposal).where(Proposal.pot_id == pot.id)))
    users = {u.id: u for u in _active([target_of(pot)] + [target_of(p) for p in proposals])}
    for proposal in proposals:
        proposer = proposal.proposer
        if proposer is None or proposer.id in users:
            continue
        if proposer.id not in _stopped_ids([target_of(proposal)]):
            users[proposer.id] = proposer
    return sorted(users.values(), key=lambda u: u.id)
