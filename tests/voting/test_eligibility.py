from datetime import date

import pytest

from pb.extensions import db
from pb.voting.models import Participation
from tests.factories import make_user


def _ballot_page(client, login, world, **user):
    login(make_user(**user))
    return client.get(f"/pots/{world.voting_pot.id}/ballot")


def test_an_eligible_resident_sees_the_ballot(client, login, world):
    response = _ballot_page(client, login, world)
    assert response.status_code == 200
    assert "Alpha garden" in response.text


@pytest.mark.parametrize(
    ("user", "condition", "advice"),
    [
        ({"confirmed": False}, "Confirm your e-mail address", "Send the link again"),
        ({"postcode": "AB2 2BB"}, "Live in North", "Update your postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "Live in North", "Update your postcode"),
    ],
)
def test_a_failed_condition_is_named_with_what_to_do(client, login, world, user, condition, advice):
    response = _ballot_page(client, login, world, **user)
    assert response.status_code == 403
    assert condition in response.text
    assert advice in response.text


@pytest.mark.parametrize(
    ("user", "link"),
    [
        ({"confirmed": False}, 'action="/confirm/resend"'),
        ({"postcode": "AB2 2BB"}, 'href="/account?next=/pots/{pot_id}"'),
    ],
)
def test_the_page_builds_each_problems_link(client, login, world, user, link):
    """Eligibility names where the action leads; the page turns it into the URL."""
    response = _ballot_page(client, login, world, **user)
    assert link.format(pot_id=world.voting_pot.id) in response.text.replace("%2F", "/")


def test_minimum_age(client, login, world):
    world.voting_pot.min_age = 16
    young = date.today().replace(year=date.today().year - 15)
    response = _ballot_page(client, login, world, born=young)
    assert response.status_code == 403
    assert "Be aged 16 or over" in response.text


def test_minimum_age_without_a_date_of_birth_asks_for_it(client, login, world):
    world.voting_pot.min_age = 16
    response = _ballot_page(client, login, world, born=None)
    assert response.status_code == 403
    assert "Add your date of birth" in response.text


def test_exactly_the_minimum_age_may_vote(client, login, world):
    world.voting_pot.min_age = 16
    today = date.today()
    born = (
        today.replace(year=today.year - 16)
        if (today.month, today.day) != (2, 29)
        else date(today.year - 16, 2, 28)
    )
    assert _ballot_page(client, login, world, born=born).status_code == 200


def test_a_council_wide_pot_takes_every_ward(client, login, world):
    world.voting_pot.ward = None
    assert _ballot_page(client, login, world, postcode="AB2 2BB").status_code == 200


def test_someone_who_took_part_cannot_open_the_ballot_again(client, login, world):
    user = make_user()
    db.session.add(Participation(pot_id=world.voting_pot.id, user_id=user.id))
    db.session.flush()
    login(user)
    response = client.get(f"/pots/{world.voting_pot.id}/ballot")
    assert response.status_code == 403
    assert "You have already voted in this pot" in response.text


def test_voting_closed(client, login, world):
    login(make_user())
    response = client.get(f"/pots/{world.proposals_pot.id}/ballot")
    assert response.status_code == 403
    assert "Voting must be open" in response.text


def test_the_ballot_needs_a_login(client, world):
    response = client.get(f"/pots/{world.voting_pot.id}/ballot")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
