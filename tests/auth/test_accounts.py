import pytest
from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.auth.models import User
from pb.extensions import db
from tests.conftest import link_in
from tests.factories import PASSWORD, make_user

REGISTRATION = {
    "email": "Sam@Example.org",
    "display_name": "Sam Smith",
    "postcode": "ab1 1aa",
    "date_of_birth": "1985-03-02",
    "password": "a long enough password",
    "confirm": "a long enough password",
}


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_register_confirm_and_log_in(client, outbox):
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302
    assert response.headers["Location"].split("?")[0].endswith("/register/check-email")

    user = _user("sam@example.org")
    assert user.postcode == "AB1 1AA"
    assert user.password_hash.startswith("$argon2id$")
    assert not user.email_confirmed

    mail = outbox.last_to("sam@example.org")
    assert mail.subject == "Confirm your e-mail address"
    response = client.get(link_in(mail.body))
    assert response.status_code == 302
    assert _user("sam@example.org").email_confirmed

    response = client.post(
        "/login", data={"email": "sam@example.org", "password": REGISTRATION["password"]}
    )
    assert response.status_code == 302
    assert "Log out" in client.get("/").text


def test_known_and_unknown_emails_get_the_same_response(client, outbox):
    existing = make_user(email="taken@example.org")
    new = client.post("/register", data={**REGISTRATION, "email": "fresh@example.org"})
    again = client.post("/register", data={**REGISTRATION, "email": "taken@example.org"})
    assert (new.status_code, new.headers["Location"]) == (
        again.status_code,
        again.headers["Location"],
    )
    # The owner of the existing account hears about it; nothing else changes.
    assert outbox.last_to("taken@example.org").subject.startswith("Someone tried to register")
    assert _user("taken@example.org").display_name == existing.display_name


@pytest.mark.parametrize("postcode, warned", [("AB1 1AA", False), ("ZZ9 9ZZ", True)])
def test_registration_says_when_the_postcode_is_in_no_ward(client, world, postcode, warned):
    """Not silent: a resident whose postcode lies in none of the wards hears it at once."""
    response = client.post(
        "/register", data={**REGISTRATION, "postcode": postcode}, follow_redirects=True
    )
    assert response.status_code == 200
    assert ('id="outside-wards"' in response.text) is warned
    assert _user("sam@example.org").postcode == postcode  # registered either way


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an e-mail address like name@example.com."),
        ("postcode", "NOWHERE", "Enter a real UK postcode, like SW1A 1AA."),
        ("password", "short", "Use at least 10 characters for your password."),
        ("confirm", "something else", "The two passwords do not match."),
        ("date_of_birth", "2999-01-01", "Enter your date of birth, which must be in the past."),
        ("display_name", "", "Enter your name."),
    ],
)
def test_registration_errors_are_shown_by_field_and_nothing_is_stored(
    client, field, value, message
):
    response = client.post("/register", data={**REGISTRATION, field: value})
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert _user("sam@example.org") is None


def test_a_tampered_confirmation_link_is_refused(client, outbox):
    client.post("/register", data=REGISTRATION)
    path = link_in(outbox.last_to("sam@example.org").body)
    response = client.get(path[:-3] + "xyz")
    assert response.status_code == 400
    assert "not valid" in response.text
    assert not _user("sam@example.org").email_confirmed


def test_an_expired_confirmation_link_is_refused(app, client, outbox, monkeypatch):
    client.post("/register", data=REGISTRATION)
    path = link_in(outbox.last_to("sam@example.org").body)
    monkeypatch.setitem(app.config, "EMAIL_CONFIRM_MAX_AGE", -1)
    response = client.get(path)
    assert response.status_code == 400
    assert "expired" in response.text


def test_wrong_password_and_unknown_email_give_the_same_message(client):
    make_user(email="known@example.org")
    wrong = client.post("/login", data={"email": "known@example.org", "password": "nope nope nope"})
    unknown = client.post("/login", data={"email": "who@example.org", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 422
    assert "The e-mail address or password is not right." in wrong.text
    assert "The e-mail address or password is not right." in unknown.text
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.type == "auth.login_failed"))
    assert sorted(e.payload["email"] for e in failed) == ["known@example.org", "who@example.org"]


def test_login_starts_a_fresh_session(client, login):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:0"


def test_login_only_follows_next_to_this_site(client):
    user = make_user()
    response = client.post(
        "/login?next=//evil.example/steal", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_logout(client, login):
    login(make_user())
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302  # back to the log-in page


def test_password_reset(client, outbox, login):
    user = make_user(email="forgetful@example.org")
    response = client.post("/password/forgot", data={"email": "forgetful@example.org"})
    assert response.status_code == 200
    path = link_in(outbox.last_to("forgetful@example.org").body)

    assert client.post(path, data={"password": "short", "confirm": "short"}).status_code == 422
    response = client.post(
        path, data={"password": "brand new password", "confirm": "brand new password"}
    )
    assert response.status_code == 302
    login(user, password="brand new password")
    # The link works once: the password change voids it.
    assert client.get(path).status_code == 400


def test_password_reset_signs_out_other_sessions(app, client, login, outbox):
    user = make_user(email="two@example.org")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/account").status_code == 200
    client.post("/password/forgot", data={"email": user.email})
    path = link_in(outbox.last_to(user.email).body)
    client.post(path, data={"password": "brand new password", "confirm": "brand new password"})
    assert other.get("/account").status_code == 302


def test_password_reset_for_an_unknown_email_looks_the_same(client, outbox):
    make_user(email="known@example.org")
    known = client.post("/password/forgot", data={"email": "known@example.org"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("known@", "X@") == unknown.text.replace("nobody@", "X@")
    # One mail each (the same work, so the same time): a link, or word that there is no account.
    assert [m.to for m in outbox.messages] == ["known@example.org", "nobody@example.org"]
    assert "/password/reset/" not in outbox.last_to("nobody@example.org").body


def test_account_page_updates_postcode(client, login):
    user = make_user(postcode="AB9 9ZZ")
    login(user)
    response = client.post(
        "/account", data={"display_name": "New Name", "postcode": "ab2 2bb", "date_of_birth": ""}
    )
    assert response.status_code == 302
    assert user.postcode == "AB2 2BB"
    assert client.post("/account", data={"display_name": "", "postcode": "x"}).status_code == 422
