"""Casting a ballot: one transaction, one ballot per resident, a receipt for each."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

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


def insert_or_skip(model):
    """INSERT that adds nothing, instead of failing, when a unique key is already taken."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing()


def _repeat_of(pot, receipt: str) -> CastResult | None:
    """The earlier result if a ballot with this receipt is already stored in the pot."""
    stored = db.session.scalar(
        select(Ballot.id).where(
            Ballot.pot_id == pot.id, Ballot.receipt_sha256 == receipt_hash(receipt)
        )
    )
    return CastResult(receipt, repeated=True) if stored else None


def cast_ballot(pot, user, raw_ballot, nonce: str, proof=None, proposals=None) -> CastResult:
    """Store the user's participation, their anonymous ballot and the audit event together.

    Unique keys on the participation (pot + user, pot + roll entry, pot + access code) make a
    second ballot impossible, even when two requests race; a repeat of the same form answers
    with the receipt it already gave. `proposals` saves a query when the caller has them.
    """
    receipt = receipt_for(nonce)
    try:
        if problems := eligibility.voting_problems(user, pot, proof, check_participation=False):
            raise NotEligible(problems)
        if proposals is None:
            proposals = ballot_proposals(pot)
        choices = ballots.check(pot, proposals, raw_ballot)
    except (NotEligible, ballots.BallotError):
        # Someone who has voted already hears that first (or gets their receipt again).
        if eligibility.has_taken_part(user, pot):
            return _repeat_or_refuse(pot, receipt)
        raise

    # One statement claims the voter's place: it inserts nothing when any of the unique keys
    # is taken, including by a request that is still in flight (it waits for that one).
    claimed = db.session.scalar(
        insert_or_skip(Participation)
        .values(
            pot_id=pot.id,
            user_id=user.id,
            roll_entry_id=proof.roll_entry_id if proof else None,
            access_code_id=proof.access_code_id if proof else None,
            channel="online",
        )
        .returning(Participation.id)
    )
    if claimed is None:
        # Already taken part; this may be a repeat of the very form that did it.
        return _repeat_or_refuse(pot, receipt)

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


def _repeat_or_refuse(pot, receipt: str) -> CastResult:
    if (repeat := _repeat_of(pot, receipt)) is not None:
        return repeat
    raise AlreadyVoted()


def find_receipt(code: str) -> Ballot | None:
    """The ballot recorded with this receipt code, if any."""
    return db.session.scalar(select(Ballot).where(Ballot.receipt_sha256 == receipt_hash(code)))
