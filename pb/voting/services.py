"""Casting a ballot: one transaction, one ballot per resident, a receipt for each."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pb.audit import chain
from pb.audit.services import record
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.voting import ballots, eligibility
from pb.voting.models import Ballot, Participation
from pb.voting.receipts import ballot_id_for, receipt_for, receipt_hash


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


def _repeat_of(pot, receipt: str) -> CastResult | None:
    """The earlier result if a ballot with this receipt is already stored in the pot."""
    stored = db.session.scalar(
        select(Ballot.id).where(
            Ballot.pot_id == pot.id, Ballot.receipt_sha256 == receipt_hash(receipt)
        )
    )
    return CastResult(receipt, repeated=True) if stored else None


def cast_ballot(pot, user, raw_ballot, nonce: str, proof=None) -> CastResult:
    """Store the user's participation, their anonymous ballot and the audit event together.

    Unique keys on the participation (pot + user, pot + roll entry, pot + access code) make a
    second ballot impossible, even when two requests race; a repeat of the same form answers
    with the receipt it already gave.
    """
    receipt = receipt_for(nonce)
    if eligibility.has_taken_part(user, pot):
        if (repeat := _repeat_of(pot, receipt)) is not None:
            return repeat
        raise AlreadyVoted()
    if problems := eligibility.voting_problems(user, pot, proof, check_participation=False):
        raise NotEligible(problems)
    choices = ballots.check(pot, ballot_proposals(pot), raw_ballot)

    participation = Participation(
        pot_id=pot.id,
        user_id=user.id,
        roll_entry_id=proof.roll_entry_id if proof else None,
        access_code_id=proof.access_code_id if proof else None,
        channel="online",
    )
    try:
        with db.session.begin_nested():
            db.session.add(participation)
    except IntegrityError:
        # Another request for this voter won the race; it may have been this very form.
        if (repeat := _repeat_of(pot, receipt)) is not None:
            return repeat
        raise AlreadyVoted() from None

    digest = receipt_hash(receipt)
    db.session.add(
        Ballot(
            id=ballot_id_for(receipt),
            pot_id=pot.id,
            channel="online",
            receipt_sha256=digest,
            choices=choices,
        )
    )
    # No actor: the log must not tie this ballot to the person who cast it.
    record("ballot.cast", pot=pot, receipt_sha256=digest)
    chain.append(pot, "ballot_cast", digest)
    return CastResult(receipt, repeated=False)


def find_receipt(code: str) -> Ballot | None:
    """The ballot recorded with this receipt code, if any."""
    return db.session.scalar(select(Ballot).where(Ballot.receipt_sha256 == receipt_hash(code)))
