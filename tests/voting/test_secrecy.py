"""Secret by separation of duties: a copy of the database, without the key, reveals no choice.

The attack that broke the old design: participation and ballot were written in one
transaction, so on PostgreSQL they shared `xmin`, and a join on it named every voter's
choices. Now the cast writes only a sealed ballot beside the participation, and the ballots
in the clear are written later, all at once and shuffled, when the envelopes are opened.
"""

import json

import pytest
from sqlalchemy import select, text

from pb.extensions import db
from pb.results.opening import open_envelopes
from pb.voting import services
from pb.voting.models import Ballot, SealedBallot
from pb.voting.receipts import ballot_id_for
from pb.voting.sealing import seal
from tests.factories import BALLOT_KEY, World, make_proposal, make_user

VOTERS = 12

XMIN_JOIN = """
    SELECT u.email, b.choices FROM participations p
    JOIN ballots b ON b.xmin = p.xmin AND b.pot_id = p.pot_id
    JOIN users u ON u.id = p.user_id
"""


def _cast_each_in_its_own_transaction(app, pot, proposals):
    """Twelve residents vote, one committed transaction each; returns (receipt, choices)."""
    cast = []
    for n in range(VOTERS):
        user = make_user()
        choice = [proposals[n % len(proposals)].id]
        with app.test_request_context():
            result = services.cast_ballot(pot, user, choice, f"secrecy-nonce-{n:04d}-xyz")
        db.session.commit()
        cast.append((result.receipt, choice))
    return cast


def _close_and_open(pot):
    pot.close_voting()
    db.session.commit()
    open_envelopes(pot, None, BALLOT_KEY.codes)
    db.session.commit()


def test_a_sealed_ballot_holds_no_choice_in_the_clear(app, world):
    pot = world.voting_pot
    cast = _cast_each_in_its_own_transaction(app, pot, world.on_ballot)
    for row in db.session.scalars(select(SealedBallot)):
        for _, choice in cast:
            assert json.dumps(choice).encode() not in row.sealed
            assert ballot_id_for(cast[0][0]).encode() not in row.sealed
    assert db.session.scalar(select(Ballot.id)) is None


def test_sealed_ballots_of_one_and_five_choices_are_the_same_length(world):
    pot = world.voting_pot
    proposals = [*world.on_ballot, *(make_proposal(pot, cost=1_000) for _ in range(2))]
    size = services.sealed_size(pot, proposals)
    ids = sorted(p.id for p in proposals)
    one = seal(pot.sealing_key, "a" * 32, ids[:1], size)
    five = seal(pot.sealing_key, "b" * 32, ids, size)
    assert len(ids) == 5 and len(one) == len(five)


@pytest.mark.postgres
@pytest.mark.committing
def test_the_xmin_join_names_no_choice_before_or_after_the_opening(app):
    world = World.build()
    pot = world.voting_pot
    cast = _cast_each_in_its_own_transaction(app, pot, world.on_ballot)
    assert db.session.execute(text(XMIN_JOIN)).all() == []
    # The sealed rows do share xmin with their participation: that is why they are sealed.
    sealed_join = db.session.execute(
        text(
            "SELECT s.sealed FROM participations p JOIN sealed_ballots s "
            "ON s.xmin = p.xmin AND s.pot_id = p.pot_id"
        )
    ).all()
    assert len(sealed_join) == VOTERS
    _close_and_open(pot)

    assert db.session.execute(text(XMIN_JOIN)).all() == []
    assert db.session.scalar(select(SealedBallot.id)) is None  # the envelopes are destroyed
    # Every opened ballot was written by the one opening transaction...
    xmins = db.session.execute(text("SELECT DISTINCT xmin::text FROM ballots")).all()
    assert len(xmins) == 1
    # ... in an order unrelated to the casting (12! orders; the same by chance: 2e-9).
    physical = [
        row[0] for row in db.session.execute(text("SELECT id FROM ballots ORDER BY ctid")).all()
    ]
    casting = [ballot_id_for(receipt) for receipt, _ in cast]
    assert sorted(physical) == sorted(casting)
    assert physical != casting
    # Receipts still find their ballots, with the choices the voters made.
    for receipt, choice in cast:
        found = services.find_receipt(receipt)
        assert not found.sealed and db.session.get(Ballot, found.ballot_id).choices == choice
