"""CSRF on every form, status codes for bad ids, roles and methods."""

import re

import pytest
from sqlalchemy import func, select

from pb import create_app
from pb.auth.models import User
from pb.extensions import db
from tests.factories import make_user


@pytest.fixture
def csrf_client(app, database_url):
    """A client of an app with CSRF protection on, as in production."""
    strict = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        WTF_CSRF_ENABLED=True,
        MAIL_OUTBOX=app.config["MAIL_OUTBOX"],
    )
    with strict.app_context():
        yield strict.test_client()
        db.engine.dispose()


FORMS = ["/register", "/login", "/password/forgot", "/receipts/check"]


@pytest.mark.parametrize("path", FORMS)
def test_every_form_carries_a_csrf_token_and_needs_it(csrf_client, path):
    page = csrf_client.get(path)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token, f"no CSRF token on {path}"
    response = csrf_client.post(path, data={"email": "a@example.org"})
    assert response.status_code == 400
    assert "This form has expired" in response.text


def test_a_post_with_the_token_is_accepted(csrf_client):
    page = csrf_client.get("/password/forgot")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = csrf_client.post(
        "/password/forgot", data={"email": "a@example.org", "csrf_token": token}
    )
    assert response.status_code == 200


def test_registration_without_csrf_writes_nothing(csrf_client):
    csrf_client.post("/register", data={"email": "x@example.org"})
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/pots/999999",
        "/pots/999999/ballot",
        "/proposals/999999",
        "/panel/pots/999999",
        "/pots/abc",
        "/no/such/page",
    ],
)
def test_unknown_ids_are_404(client, login, path):
    login(make_user(roles=[("admin", None)]))
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_a_draft_pot_is_hidden_from_residents(client, login, world):
    world.voting_pot.phase = "draft"
    db.session.flush()
    assert client.get(f"/pots/{world.voting_pot.id}").status_code == 404
    login(make_user(roles=[("panel", world.north.id)]))
    assert client.get(f"/pots/{world.voting_pot.id}").status_code == 200


def test_wrong_method_is_405_not_500(client):
    assert client.get("/logout").status_code == 405
