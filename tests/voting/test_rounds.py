"""One person, one vote in a round: one ward pot (plus council-wide pots), whichever way the
person is known, and changes of postcode or birthday that never open a second ward ballot."""

import re
from datetime import date

from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.extensions import db
from pb.paper.services import PaperError, PaperVoter, record_paper_voter
from pb.voting.models import Participation
from tests.factories import make_pot, make_proposal, make_user


def _vote(client, pot, proposal):
    review = client.post(f"/pots/{pot.id}/ballot", data={"choices": [str(proposal.id)]})
    nonce = re.search(r'name="nonce" value="([^"]+)"', review.text)
    return client.post(
        f"/pots/{pot.id}/ballot/cast",
        data={"choices": [str(proposal.id)], "nonce": nonce.group(1) if nonce else "n" * 20},
    )


def _pots(world):
    south = make_pot(world.council, world.south, phase="voting", name="South fund")
    wide = make_pot(world.council, None, phase="voting", name="Council-wide fund")
    return world.voting_pot, south, wide, make_proposal(south), make_proposal(wide)


def test_moving_ward_does_not_give_a_second_ward_vote(client, login, world):
    north, south, wide, south_project, wide_project = _pots(world)
    user = make_user(postcode="AB1 1AA")
    login(user)
    assert _vote(client, north, world.on_ballot[0]).status_code == 303
    # Move to the South ward: the account page says the round's vote counts in North.
    client.post(
        "/account",
        data={
            "display_name": user.display_name,
            "postcode": "AB2 2BB",
            "date_of_birth": "1990-01-01",
        },
    )
    assert user.postcode == "AB2 2BB"
    account = client.get("/account").text
    assert "Your vote this round counts in" in account and north.name in account
    page = client.get(f"/pots/{south.id}/ballot")
    assert page.status_code == 403 and f"already voted in {north.name}" in page.text
    refused = _vote(client, south, south_project)
    assert refused.status_code in (403, 409)
    assert (
        db.session.scalar(
            select(db.func.count())
            .select_from(Participation)
            .where(Participation.user_id == user.id)
        )
        == 1
    )
    # A council-wide pot comes on top of the ward pot.
    assert _vote(client, wide, wide_project).status_code == 303
    moved = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "account.ward_changed"))
    assert moved.payload == {"old_ward": world.north.id, "new_ward": world.south.id}
    assert "choices" not in str(moved.payload)


def test_the_database_refuses_a_second_ward_participation_in_the_round(world):
    north, south, *_ = _pots(world)
    user = make_user()
    db.session.add(
        Participation(pot_id=north.id, ward_round_id=north.ward_round_id, user_id=user.id)
    )
    db.session.flush()
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Participation(pot_id=south.id, ward_round_id=south.ward_round_id, user_id=user.id)
        )
    # Another round is another matter.
    later = make_pot(world.council, world.south, phase="voting", year=2027)
    db.session.add(
        Participation(pot_id=later.id, ward_round_id=later.ward_round_id, user_id=user.id)
    )
    db.session.flush()


def test_a_later_birthday_does_not_lift_an_age_refusal_while_voting(client, login, world):
    pot = world.voting_pot
    pot.min_age = 18
    db.session.commit()
    young = make_user(born=date(2012, 3, 3))
    login(young)
    assert client.get(f"/pots/{pot.id}/ballot").status_code == 403
    client.post(
        "/account",
        data={
            "display_name": young.display_name,
            "postcode": young.postcode,
            "date_of_birth": "1980-03-03",
        },
    )
    assert young.date_of_birth == date(1980, 3, 3)
    page = client.get(f"/pots/{pot.id}/ballot")
    assert page.status_code == 403 and "aged 18 or over" in page.text
    assert _vote(client, pot, world.on_ballot[0]).status_code == 403
    changed = db.session.scalar(
        select(AuditEvent).where(AuditEvent.type == "account.date_of_birth_changed")
    )
    assert changed.actor_id == young.id and changed.payload["during_voting"] is True
    # A pot that opens after the change uses the new date.
    later = make_pot(world.council, world.south, phase="voting", min_age=18, year=2030)
    assert young.age_on(date(2026, 12, 1), later.voting_opened_at) == 46


def test_a_first_date_of_birth_given_during_voting_counts(client, login, world):
    pot = world.voting_pot
    pot.min_age = 16
    db.session.commit()
    user = make_user(born=None)
    login(user)
    assert "Add your date of birth" in client.get(f"/pots/{pot.id}/ballot").text
    client.post(
        "/account",
        data={
            "display_name": user.display_name,
            "postcode": user.postcode,
            "date_of_birth": "1990-01-01",
        },
    )
    assert client.get(f"/pots/{pot.id}/ballot").status_code == 200


def test_paper_voters_without_accounts_are_one_person_in_the_round(app, world):
    north, south, wide, *_ = _pots(world)
    officer = make_user(roles=[("officer", None)])
    person = PaperVoter(name="Ada Lovelace", postcode="AB1 1AA", date_of_birth=date(1960, 12, 10))
    record_paper_voter(north, officer, person)
    again = PaperVoter(name="ada  LOVELACE.", postcode="ab1 1aa", date_of_birth=date(1960, 12, 10))
    import pytest

    with pytest.raises(PaperError, match=f"on paper in {north.name}"):
        record_paper_voter(north, officer, again)
    # She has moved to the South ward since: still the same person in this round.
    moved = PaperVoter(name="Ada Lovelace", postcode="AB2 2BB", date_of_birth=date(1960, 12, 10))
    with pytest.raises(PaperError, match=f"on paper in {north.name} \\(Ada Lovelace"):
        record_paper_voter(south, officer, moved)
    with pytest.raises(PaperError, match="is not in"):
        record_paper_voter(north, officer, PaperVoter("x", None, "Bo", "AB2 2BB", date(1960, 1, 1)))
    with pytest.raises(PaperError, match="full name, postcode and date of birth"):
        record_paper_voter(north, officer, PaperVoter(name="Cy"))
    record_paper_voter(wide, officer, again)  # the council-wide pot comes on top
    # Online, the same person (same name, postcode, birthday) is refused.
    ada = make_user(display_name="Ada Lovelace", postcode="AB1 1AA", born=date(1960, 12, 10))
    from pb.voting.eligibility import taken_part_in

    assert taken_part_in(ada, north) == north


def test_an_officer_sees_a_near_match_and_may_say_it_is_someone_else(client, login, world):
    pot = world.voting_pot
    online = make_user(display_name="Sam Jones", postcode="AB1 1AA", born=date(1975, 5, 5))
    login(online)
    assert _vote(client, pot, world.on_ballot[0]).status_code == 303
    client.post("/logout")
    login(make_user(roles=[("officer", None)]))
    data = {"name": "Samantha Jones", "postcode": "AB1 1AA", "date_of_birth": "1975-05-05"}
    refused = client.post(f"/panel/pots/{pot.id}/paper/voters", data=data)
    assert refused.status_code == 409
    assert f"online in {pot.name} (Sam Jones" in refused.text
    assert "this is not the person" in refused.text
    accepted = client.post(
        f"/panel/pots/{pot.id}/paper/voters", data={**data, "not_the_match": "y"}
    )
    assert accepted.status_code == 303
