"""One person, one vote in a round: one ward pot (plus council-wide pots), whichever way the
person is known, and changes of postcode or birthday that never open a second ward ballot."""

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.extensions import db
from pb.paper.services import PaperError, PaperVoter, record_paper_voter
from pb.voting.models import Participation
from pb.voting.receipts import issue_nonce
from tests.factories import make_pot, make_proposal, make_user


def _vote(client, pot, proposal, user=None):
    review = client.post(
        f"/pots/{pot.id}/ballot", data={"choices": [str(proposal.id)]}, follow_redirects=True
    )
    nonce = re.search(r'name="nonce" value="([^"]+)"', review.text)
    # No review page (refused): a well-formed nonce all the same, so the cast is tried.
    return client.post(
        f"/pots/{pot.id}/ballot/cast",
        data={
            "choices": [str(proposal.id)],
            "nonce": nonce.group(1) if nonce else issue_nonce(user.id, pot.id),
        },
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
    refused = _vote(client, south, south_project, user)
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
    assert _vote(client, pot, world.on_ballot[0], young).status_code == 403
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


# The box the officer ticks, in each language: offered from the refusal's reason, whatever
# the words of its message.
NOT_THE_MATCH = {
    "en_GB": "this is not the person",
    "cy": "nid hwn yw'r person",
    "pl": "to nie jest osoba",
}


@pytest.mark.parametrize("lang", sorted(NOT_THE_MATCH))
def test_an_officer_sees_a_near_match_and_may_say_it_is_someone_else(client, login, world, lang):
    pot = world.voting_pot
    online = make_user(display_name="Sam Jones", postcode="AB1 1AA", born=date(1975, 5, 5))
    login(online)
    assert _vote(client, pot, world.on_ballot[0]).status_code == 303
    client.post("/logout")
    login(make_user(roles=[("officer", None)]))
    client.get(f"/language/{lang}")
    data = {"name": "Samantha Jones", "postcode": "AB1 1AA", "date_of_birth": "1975-05-05"}
    refused = client.post(f"/panel/pots/{pot.id}/paper/voters", data=data)
    assert refused.status_code == 409
    assert f"{pot.name} (Sam Jones" in refused.text
    if lang == "en_GB":
        assert f"online in {pot.name} (Sam Jones" in refused.text
    assert 'name="not_the_match"' in refused.text
    assert NOT_THE_MATCH[lang] in html.unescape(refused.text)
    accepted = client.post(
        f"/panel/pots/{pot.id}/paper/voters", data={**data, "not_the_match": "y"}
    )
    assert accepted.status_code == 303


def _ada(world, **details):
    officer = make_user(roles=[("officer", None)])
    person = PaperVoter(name="Ada Lovelace", postcode="AB1 1AA", date_of_birth=date(1960, 12, 10))
    record_paper_voter(world.voting_pot, officer, person)
    db.session.commit()
    return make_user(**{"born": date(1960, 12, 10), **details})


def test_a_paper_voter_who_moves_cannot_vote_online_in_another_ward(client, login, world):
    """Attack: recorded on paper in North, the account (same name and birthday) moves to
    South and casts there."""
    _north, south, _wide, south_project, _ = _pots(world)
    ada = _ada(world, display_name="Ada Lovelace", postcode="AB2 2BB")
    login(ada)
    assert _vote(client, south, south_project, ada).status_code in (403, 409)
    assert (
        db.session.scalar(
            select(db.func.count())
            .select_from(Participation)
            .where(Participation.pot_id == south.id)
        )
        == 0
    )


def test_a_paper_voter_under_a_shorter_name_cannot_vote_online(client, login, world):
    """Attack: the same person's account is called just "Ada" (same postcode and birthday)."""
    ada = _ada(world, display_name="Ada", postcode="AB1 1AA")
    login(ada)
    page = client.get(f"/pots/{world.voting_pot.id}/ballot")
    assert page.status_code == 403
    assert _vote(client, world.voting_pot, world.on_ballot[0], ada).status_code in (403, 409)


def test_an_account_with_the_paper_voters_name_is_linked_to_the_paper_vote(world):
    ada = make_user(display_name="Ada Lovelace", postcode="AB1 1AB", born=date(1960, 12, 10))
    _ada(world)
    paper = db.session.scalar(select(Participation).where(Participation.channel == "paper"))
    assert paper.user_id == ada.id  # so the account's own unique keys refuse it online


def test_an_online_voter_who_changes_their_details_is_still_matched_on_paper(client, login, world):
    """Attack: vote online as "Ada", then change postcode and birthday, then be recorded
    on paper under the details the vote was cast with."""
    pot = world.voting_pot
    ada = make_user(display_name="Ada", postcode="AB1 1AA", born=date(1960, 12, 10))
    login(ada)
    assert _vote(client, pot, world.on_ballot[0]).status_code == 303
    client.post(
        "/account",
        data={"display_name": "Ada", "postcode": "AB1 1AB", "date_of_birth": "1961-01-01"},
    )
    import pytest

    person = PaperVoter(name="Ada Lovelace", postcode="AB1 1AA", date_of_birth=date(1960, 12, 10))
    with pytest.raises(PaperError, match=f"online in {pot.name}"):
        record_paper_voter(pot, make_user(roles=[("officer", None)]), person)


def test_a_paper_voter_needs_a_real_name_and_birthday(world):
    import pytest

    officer = make_user(roles=[("officer", None)])
    for name, born in (("-", date(1950, 5, 5)), ("\u200b", date(1950, 5, 5))):
        with pytest.raises(PaperError, match="full name"):
            record_paper_voter(
                world.voting_pot, officer, PaperVoter(None, None, name, "AB1 1AA", born)
            )
    for born in (date(9999, 12, 31), date(1, 1, 1)):
        with pytest.raises(PaperError, match="real date of birth"):
            record_paper_voter(
                world.voting_pot, officer, PaperVoter(None, None, "Bo", "AB1 1AA", born)
            )


def test_only_the_admin_moves_a_pot_to_another_round(world):
    import pytest

    from pb.panel.services import update_pot
    from pb.pots.models import PhaseError

    pot = make_pot(world.council, world.south, phase="review", name="South ideas")
    panel = make_user(roles=[("panel", world.south.id)])
    with pytest.raises(PhaseError, match="Only the council's admin"):
        update_pot(pot, panel, {"round_name": "Our own round"})
    update_pot(pot, panel, {"round_name": "2026"})  # the same round, any case: no change
    update_pot(pot, make_user(roles=[("admin", None)]), {"round_name": "Spring 2027"})
    assert pot.round.name == "Spring 2027"
