"""Voter-roll and access-code proofs: limited per roll entry, per code and per account as well
as per address, and "already used" is not told to whoever has an elector's details (issue 14:
a date of birth was found at guess 31 from 4 addresses)."""

from datetime import date

from pb.electorate import services as electorate
from pb.electorate.models import VoterRollEntry
from pb.extensions import db
from pb.voting import proofs
from pb.voting.models import Participation
from tests.factories import PASSWORD, make_pot, make_user


def _voter(app, address):
    user = make_user()
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return client


def _roll_pot(world):
    pot = make_pot(world.council, world.north, phase="voting", eligibility_mode="roll")
    entry = VoterRollEntry(
        pot_id=pot.id, reference="E-1001", postcode="AB1 1AA", date_of_birth=date(1961, 4, 9)
    )
    db.session.add(entry)
    db.session.commit()
    return pot, entry


def _prove_roll(client, pot, born):
    return client.post(
        f"/pots/{pot.id}/ballot/prove",
        data={"reference": "E-1001", "postcode": "AB1 1AA", "date_of_birth": born},
    )


def test_guessing_one_electors_date_of_birth_from_many_addresses_stops(app, world):
    pot, _ = _roll_pot(world)
    for n in range(proofs.PROOF_FAILURES_ALLOWED):
        guesser = _voter(app, f"192.0.2.{n + 1}")  # a new account and address each time
        response = _prove_roll(guesser, pot, f"1960-01-{n + 1:02d}")
        assert response.status_code == 422 and "do not match" in response.text
    late = _voter(app, "192.0.2.100")
    response = _prove_roll(late, pot, "1961-04-09")  # the right date, too late
    assert response.status_code == 422
    assert "too many attempts" in response.text


def test_one_account_cannot_try_many_entries(app, world):
    # (Changing address mid-session would end it: strong session protection.)
    pot, _ = _roll_pot(world)
    guesser = _voter(app, "192.0.2.1")
    for n in range(proofs.PROOF_FAILURES_ALLOWED):
        guesser.post(
            f"/pots/{pot.id}/ballot/prove",
            data={"reference": f"E-{n}", "postcode": "AB1 1AA", "date_of_birth": "1961-04-09"},
        )
    assert "too many attempts" in _prove_roll(guesser, pot, "1961-04-09").text


def test_a_used_entry_looks_like_no_match(app, world):
    pot, entry = _roll_pot(world)
    voter = make_user()
    db.session.add(Participation(pot_id=pot.id, user_id=voter.id, roll_entry_id=entry.id))
    db.session.commit()
    snoop = _voter(app, "192.0.2.50")
    used = _prove_roll(snoop, pot, "1961-04-09")
    wrong = _prove_roll(snoop, pot, "1961-04-10")
    assert used.status_code == wrong.status_code == 422
    assert "already" not in used.text.lower()
    assert "do not match an entry" in used.text
    assert used.text.replace("1961-04-09", "DATE") == wrong.text.replace("1961-04-10", "DATE")


def test_guessing_access_codes_from_one_account_stops(app, world):
    pot = make_pot(world.council, world.north, phase="review", eligibility_mode="codes")
    admin = make_user(roles=[("admin", None)])
    batch = electorate.generate_batch(pot, "Letters", 1, admin)
    real = batch_code = electorate.batch_codes(batch)[0][0].code
    pot.phase = "voting"
    db.session.commit()
    guesser = _voter(app, "192.0.2.1")
    for n in range(proofs.PROOF_FAILURES_ALLOWED):
        response = guesser.post(f"/pots/{pot.id}/ballot/prove", data={"code": f"WRONG-{n:04d}"})
        assert "not an access code" in response.text
    response = guesser.post(f"/pots/{pot.id}/ballot/prove", data={"code": real})
    assert "too many attempts" in response.text
    # Someone else with the letter still gets in.
    holder = _voter(app, "192.0.2.99")
    assert holder.post(f"/pots/{pot.id}/ballot/prove", data={"code": batch_code}).status_code == 303
