"""The ballot key and the opening of the envelopes: what opens, what does not, what changes."""

import re

import pytest
from sqlalchemy import func, select

from pb.audit.models import AuditEvent, ChainEvent
from pb.extensions import db
from pb.pots.models import PhaseError
from pb.results.opening import OpeningError, open_envelopes
from pb.voting import sealing, services
from pb.voting.models import Ballot, SealedBallot
from pb.voting.receipts import ballot_id_for
from tests.factories import BALLOT_KEY, make_key_through, make_pot, make_proposal, make_user


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("holders", "threshold"), [(1, 1), (3, 2), (5, 3), (4, 1)])
def test_k_shares_open_and_k_minus_one_do_not(world, holders, threshold):
    pot = world.voting_pot
    key = sealing.new_key(holders, threshold)
    pot.sealing_key, pot.key_threshold = key.public_hex, key.threshold
    for start in range(holders - threshold + 1):
        chosen = key.codes[start : start + threshold]
        assert sealing.private_key_for(pot, chosen).public_key.encode().hex() == key.public_hex
    if threshold > 1:
        with pytest.raises(sealing.BallotKeyError, match="shares are needed"):
            sealing.private_key_for(pot, key.codes[: threshold - 1])
        # k shares of which one is another key's: they do not fit together.
        other = sealing.new_key(holders, threshold).codes
        with pytest.raises(sealing.BallotKeyError, match="not the key"):
            sealing.private_key_for(pot, [*key.codes[: threshold - 1], other[threshold - 1]])


@pytest.mark.parametrize("typed", ["", "hello", "AAAA-BBBB", "2-", "x-ABCD", "😀" * 30])
def test_a_mistyped_key_is_a_clear_error(world, typed):
    with pytest.raises(sealing.BallotKeyError):
        sealing.private_key_for(world.voting_pot, [typed])


def test_a_key_code_forgives_case_spaces_and_lookalikes(world):
    code = BALLOT_KEY.codes[0]
    sloppy = code.lower().replace("-", " ").replace("o", "0").replace("i", "1")
    assert sealing.private_key_for(world.voting_pot, [sloppy])


def _cast(app, pot, choice, n):
    with app.test_request_context():
        result = services.cast_ballot(pot, make_user(), choice, f"sealing-nonce-{n:04d}-xyz")
    db.session.commit()
    return result.receipt


def test_a_wrong_key_or_a_tampered_envelope_opens_nothing(app, world):
    pot = world.voting_pot
    receipts = [_cast(app, pot, [world.on_ballot[n % 3].id], n) for n in range(3)]
    pot.close_voting()
    db.session.commit()
    chain_before = _count(ChainEvent)

    with pytest.raises(OpeningError, match="not the key"):
        open_envelopes(pot, None, sealing.new_key().codes)
    db.session.rollback()

    victim = db.session.scalars(select(SealedBallot).order_by(SealedBallot.id)).first()
    victim.sealed = victim.sealed[:-1] + bytes([victim.sealed[-1] ^ 1])
    db.session.commit()
    with pytest.raises(OpeningError, match="Sealed ballot 1 of 3 does not open"):
        open_envelopes(pot, None, BALLOT_KEY.codes)
    db.session.rollback()
    assert (_count(SealedBallot), _count(Ballot), _count(ChainEvent)) == (3, 0, chain_before)
    assert pot.envelopes_opened_at is None
    for receipt in receipts:
        assert services.find_receipt(receipt).sealed


def test_a_sealed_ballot_that_breaks_the_rules_opens_nothing(app, world):
    """A row sealed to the right key but holding a ballot the pot's rules refuse."""
    pot = world.voting_pot
    _cast(app, pot, [world.on_ballot[0].id], 1)
    every = sorted(p.id for p in world.on_ballot)  # three, but max_picks is 2
    size = services.sealed_size(pot, world.on_ballot)
    forged = sealing.seal(pot.sealing_key, "f" * 32, every, size)
    tag = sealing.tag(app.config["SECRET_KEY"], pot.id, "0" * 64, forged)
    db.session.add(SealedBallot(pot_id=pot.id, receipt_sha256="0" * 64, sealed=forged, tag=tag))
    pot.close_voting()
    db.session.commit()
    with pytest.raises(OpeningError, match="not open as a valid ballot"):
        open_envelopes(pot, None, BALLOT_KEY.codes)
    db.session.rollback()
    assert _count(Ballot) == 0


def test_opening_writes_the_ballots_destroys_the_envelopes_and_keeps_receipts(app, world):
    pot = world.voting_pot
    receipts = [_cast(app, pot, [world.on_ballot[n % 3].id], n) for n in range(4)]
    with pytest.raises(PhaseError, match="once voting has closed"):
        open_envelopes(pot, None, BALLOT_KEY.codes)
    db.session.rollback()
    pot.close_voting()
    opened = open_envelopes(pot, None, BALLOT_KEY.codes)
    db.session.commit()
    assert (opened.online, opened.paper) == (4, 0)
    assert (_count(SealedBallot), _count(Ballot)) == (0, 4)
    for n, receipt in enumerate(receipts):
        found = services.find_receipt(receipt)
        assert found.ballot_id == ballot_id_for(receipt)
        assert db.session.get(Ballot, found.ballot_id).choices == [world.on_ballot[n % 3].id]
    event = db.session.scalar(select(ChainEvent).where(ChainEvent.type == "envelopes_opened"))
    assert event is not None
    assert db.session.scalar(
        select(AuditEvent.payload).where(AuditEvent.type == "pot.envelopes_opened")
    ) == {"online": 4, "paper": 0}
    with pytest.raises(PhaseError, match="already been opened"):
        open_envelopes(pot, None, BALLOT_KEY.codes)


def test_the_key_ceremony_through_the_panel_pages(client, login, world):
    login(make_user(roles=[("panel", world.north.id)]))
    pot = make_pot(world.council, world.north, phase="review")
    make_proposal(pot)
    page = client.get(f"/panel/pots/{pot.id}")
    assert "Make the ballot key" in page.text and 'value="open_voting"' not in page.text
    wrong = client.post(f"/panel/pots/{pot.id}/key", data={"holders": "2", "threshold": "3"})
    assert wrong.status_code == 422 and "more people than hold the key" in wrong.text
    codes = make_key_through(client, pot, holders=3, threshold=2)
    assert pot.sealing_key and pot.key_confirmed_at is not None
    # pb keeps none of the secret: no code, no share, anywhere in the database.
    dump = "\n".join(str(row) for row in db.session.execute(select(AuditEvent.payload)).all())
    for code in codes:
        assert re.sub(r"^\d+-", "", code) not in dump and code not in str(pot.__dict__)
    assert 'value="open_voting"' in client.get(f"/panel/pots/{pot.id}").text
    bad = client.post(f"/panel/pots/{pot.id}/key/confirm", data={"codes": codes[0]})
    assert bad.status_code == 422 and "shares are needed" in bad.text
    assert (
        client.post(f"/panel/pots/{pot.id}/phase", data={"action": "open_voting"}).status_code
        == 303
    )
    again = client.post(f"/panel/pots/{pot.id}/key", data={"holders": "1", "threshold": "1"})
    assert again.status_code == 409 and "before voting opens" in again.text


def test_a_receipt_says_sealed_until_the_opening(app, client, world):
    pot = world.voting_pot
    receipt = _cast(app, pot, [world.on_ballot[0].id], 7)
    page = client.post("/receipts/check", data={"code": receipt})
    assert page.status_code == 200 and "still sealed" in page.text


def test_a_ballot_sealed_by_someone_with_only_the_database_opens_nothing(app, world):
    """A DBA can seal a ballot of their own to the public key, but cannot tag it."""
    pot = world.voting_pot
    _cast(app, pot, [world.on_ballot[0].id], 3)
    row = db.session.scalar(select(SealedBallot))
    size = services.sealed_size(pot, world.on_ballot)
    row.sealed = sealing.seal(pot.sealing_key, "e" * 32, [world.on_ballot[1].id], size)
    pot.close_voting()
    db.session.commit()
    with pytest.raises(OpeningError, match="Sealed ballot 1 of 1 does not open"):
        open_envelopes(pot, None, BALLOT_KEY.codes)
    db.session.rollback()
    assert _count(Ballot) == 0


@pytest.mark.parametrize("share", ["\u00b2-ABCD-EFGH", "\u0661-ABCD", "0-ABCD", "999-ABCD"])
def test_a_share_number_that_is_not_plain_digits_is_a_clear_error(world, share):
    pot = world.voting_pot
    pot.key_threshold = 2
    with pytest.raises(sealing.BallotKeyError, match="starts with its number"):
        sealing.private_key_for(pot, [share, "1-ABCD"])
