"""Casting a ballot: one transaction, one ballot per resident and round, a receipt for each.

The participation (the outer envelope: who took part) and the sealed ballot (the inner
envelope, readable only with the pot's ballot key) are stored together, so nothing is lost
or doubled; the ballot in the clear appears only when the envelopes are opened (opening.py).
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from pb.audit import chain
from pb.extensions import db
from pb.pots.models import Pot
from pb.pots.services import lock
from pb.proposals.models import Proposal, ProposalStatus
from pb.transaction import atomic
from pb.voting import ballots, eligibility, people, sealing
from pb.voting.models import Ballot, Participation, SealedBallot
from pb.voting.receipts import ballot_id_for, receipt_for, receipt_hash


class NotEligible(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(p.condition for p in problems))
        self.problems = problems


class AlreadyVoted(Exception):
    """The person has taken part in this pot, or in another ward pot of its round (`pot`)."""

    def __init__(self, pot=None):
        super().__init__("already taken part")
        self.pot = pot


@dataclass(frozen=True)
class CastResult:
    receipt: str
    repeated: bool  # True when this was a repeat of a submit that had already been stored


def ballot_proposals(pot) -> list[Proposal]:
    """The proposals on a pot's ballot, in the order the ballot paper lists them."""
    query = select(Proposal).where(
        Proposal.pot_id == pot.id, Proposal.status == ProposalStatus.ON_BALLOT
    )
    return list(db.session.scalars(query.order_by(Proposal.title, Proposal.id)))


def sealed_size(pot, proposals) -> int:
    """The padded length of every sealed ballot of the pot (see pb.voting.sealing)."""
    cap = pot.points_max or pot.points_total
    return sealing.sealed_size(pot.ballot_method, [p.id for p in proposals], cap)


def insert_or_skip(model):
    """INSERT that adds nothing, instead of failing, when a unique key is already taken."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing()


@atomic
def cast_ballot(pot, user, raw_ballot, nonce: str, proof=None, proposals=None) -> CastResult:
    """Store the user's participation, their sealed ballot and its chain event together.

    Unique keys on the participation (per pot, and per round for ward pots) make a second
    ballot impossible, even when two requests race; a repeat of the same form answers with
    the receipt it already gave. The pot's row lock orders the cast with the close.
    `proposals` saves a query when the caller has them.
    """
    receipt = receipt_for(nonce)
    lock(pot, shared=True)
    try:
        if problems := eligibility.voting_problems(user, pot, proof, check_participation=False):
            raise NotEligible(problems)
        if proposals is None:
            proposals = ballot_proposals(pot)
        choices = ballots.check(pot, proposals, raw_ballot)
        if (on_paper := eligibility.paper_record_of(user, pot)) is not None:
            raise AlreadyVoted(on_paper)
    except (NotEligible, ballots.BallotError):
        # Someone who has voted already hears that first (or gets their receipt again).
        if eligibility.taken_part_in(user, pot) is not None:
            return _repeat_or_refuse(pot, user, receipt)
        raise

    # One statement claims the voter's place: it inserts nothing when any of the unique keys
    # is taken, including by a request that is still in flight (it waits for that one).
    claimed = db.session.scalar(
        insert_or_skip(Participation)
        .values(
            pot_id=pot.id,
            ward_round_id=pot.ward_round_id,
            user_id=user.id,
            roll_entry_id=proof.roll_entry_id if proof else None,
            access_code_id=proof.access_code_id if proof else None,
            elector_ref=proof.elector_ref if proof else None,
            person_key=people.person_key(user.display_name, user.postcode, user.date_of_birth),
            # As they were when the vote was cast, for officers' matches if they change later.
            name=user.display_name,
            postcode=user.postcode,
            date_of_birth=user.date_of_birth,
            channel="online",
        )
        .returning(Participation.id)
    )
    if claimed is None:
        # Already taken part; this may be a repeat of the very form that did it.
        return _repeat_or_refuse(pot, user, receipt)

    digest = receipt_hash(receipt)
    sealed = sealing.seal(
        pot.sealing_key, ballot_id_for(receipt), choices, sealed_size(pot, proposals)
    )
    secret = current_app.config["SECRET_KEY"]
    db.session.add(
        SealedBallot(
            pot_id=pot.id,
            receipt_sha256=digest,
            sealed=sealed,
            tag=sealing.tag(secret, pot.id, digest, sealed),
        )
    )
    # No audit event and no clock time: nothing may tie this receipt to a moment, and so
    # to whoever was on the site then. The chain's height says the order, nothing more.
    chain.append(pot, "ballot_cast", digest)
    return CastResult(receipt, repeated=False)


def _repeat_or_refuse(pot, user, receipt: str) -> CastResult:
    stored = db.session.scalar(
        select(SealedBallot.id).where(
            SealedBallot.pot_id == pot.id, SealedBallot.receipt_sha256 == receipt_hash(receipt)
        )
    )
    if stored is not None:
        return CastResult(receipt, repeated=True)
    raise AlreadyVoted(eligibility.taken_part_in(user, pot))


@dataclass(frozen=True)
class ReceiptFound:
    pot: Pot
    sealed: bool  # still in its envelope: the ballot id is known only after the opening
    ballot_id: str | None


def find_receipt(code: str) -> ReceiptFound | None:
    """Where the ballot cast with this receipt code is: sealed, or opened under its id."""
    pot_id = db.session.scalar(
        select(SealedBallot.pot_id).where(SealedBallot.receipt_sha256 == receipt_hash(code))
    )
    if pot_id is not None:
        return ReceiptFound(db.session.get_one(Pot, pot_id), True, None)
    ballot = db.session.get(Ballot, ballot_id_for(code))
    if ballot is None or ballot.channel != "online":
        return None
    return ReceiptFound(db.session.get_one(Pot, ballot.pot_id), False, ballot.id)
