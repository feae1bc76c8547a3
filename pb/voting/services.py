"""Casting a ballot: one transaction, one ballot per resident, a receipt for each."""

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pb.audit.services import record
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.voting import eligibility
from pb.voting.models import Ballot, Participation
from pb.voting.receipts import receipt_for, receipt_hash


class BallotError(Exception):
    """The choices break the pot's ballot rules; the message says how."""


class NotEligible(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(p.condition for p in problems))
        self.problems = problems


class AlreadyVoted(Exception):
    pass


@dataclass(frozen=True)
class CastResult:
    receipt: str
    repeated: bool  # True when this was a repeat of a submit that had already been stored


def ballot_proposals(pot) -> list[Proposal]:
    """The proposals on a pot's ballot, in the order the ballot paper lists them."""
    query = select(Proposal).where(Proposal.pot_id == pot.id, Proposal.status == "on_ballot")
    return list(db.session.scalars(query.order_by(Proposal.title, Proposal.id)))


def check_approval(pot, choices: list[int]) -> list[int]:
    """Validate an approval ballot against the pot's rules; return the sorted choices."""
    on_ballot = {p.id for p in ballot_proposals(pot)}
    picked = sorted(set(choices))
    if len(picked) != len(choices):
        raise BallotError("Each project can be chosen only once.")
    if any(choice not in on_ballot for choice in picked):
        raise BallotError("Choose only projects that are on this ballot.")
    if len(picked) < pot.min_picks:
        raise BallotError(
            f"Choose at least {pot.min_picks} project{'s' if pot.min_picks != 1 else ''}."
        )
    if pot.max_picks is not None and len(picked) > pot.max_picks:
        raise BallotError(f"Choose no more than {pot.max_picks} projects.")
    return picked


def _repeat_of(pot, receipt: str) -> CastResult | None:
    """The earlier result if a ballot with this receipt is already stored in the pot."""
    stored = db.session.scalar(
        select(Ballot.id).where(
            Ballot.pot_id == pot.id, Ballot.receipt_sha256 == receipt_hash(receipt)
        )
    )
    return CastResult(receipt, repeated=True) if stored else None


def cast_ballot(pot, user, choices: list[int], nonce: str) -> CastResult:
    """Store the user's participation, their anonymous ballot and the audit event together.

    The participation's primary key (pot, user) makes a second ballot impossible, even when
    two requests race; a repeat of the same form answers with the receipt it already gave.
    """
    receipt = receipt_for(nonce)
    if eligibility.has_taken_part(user, pot):
        if (repeat := _repeat_of(pot, receipt)) is not None:
            return repeat
        raise AlreadyVoted()
    if problems := eligibility.voting_problems(user, pot, check_participation=False):
        raise NotEligible(problems)
    picked = check_approval(pot, choices)

    try:
        with db.session.begin_nested():
            db.session.add(Participation(pot_id=pot.id, user_id=user.id, channel="online"))
    except IntegrityError:
        # Another request for this voter won the race; it may have been this very form.
        if (repeat := _repeat_of(pot, receipt)) is not None:
            return repeat
        raise AlreadyVoted() from None

    digest = receipt_hash(receipt)
    db.session.add(
        Ballot(
            id=secrets.token_hex(16),
            pot_id=pot.id,
            channel="online",
            receipt_sha256=digest,
            choices=picked,
        )
    )
    # No actor: the log must not tie this ballot to the person who cast it.
    record("ballot.cast", pot=pot, receipt_sha256=digest)
    db.session.flush()
    return CastResult(receipt, repeated=False)


def find_receipt(code: str) -> Ballot | None:
    """The ballot recorded with this receipt code, if any."""
    return db.session.scalar(select(Ballot).where(Ballot.receipt_sha256 == receipt_hash(code)))
