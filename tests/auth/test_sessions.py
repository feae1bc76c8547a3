"""Sessions end on the server (issue 14: a cookie copied before log-out still opened /account,
and "strong" session protection keyed on the spoofable X-Forwarded-For)."""

from sqlalchemy import func, select

from pb.audit.models import AuditEvent
from pb.auth.models import LoginSession
from pb.extensions import db
from tests.conftest import link_in
from tests.factories import PASSWORD, make_user


def _log_in(app, user, **environ):
    client = app.test_client()
    if environ:
        client.environ_base.update(environ)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _copy(app, client, **environ):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.environ_base.update(environ)
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_cookie_copied_before_log_out_does_not_open_the_account(app):
    user = make_user()
    victim = _log_in(app, user)
    thief = _copy(app, victim)
    assert _logged_in(thief)  # the copy works while the session lasts...
    victim.post("/logout")
    assert not _logged_in(victim)
    assert not _logged_in(thief)  # ...and not a moment after log-out


def test_a_password_reset_ends_every_session(app, client, outbox):
    user = make_user()
    other = _log_in(app, user)
    client.post("/password/forgot", data={"email": user.email})
    link = link_in(outbox.last_to(user.email).body)
    new = "a brand new password"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert not _logged_in(other)
    rows = db.session.scalar(select(func.count()).where(LoginSession.user_id == user.id))
    assert rows == 0


def test_an_admin_signs_an_account_out_everywhere(app):
    user = make_user()
    phone, laptop = _log_in(app, user), _log_in(app, user)
    admin = _log_in(app, make_user(roles=[("admin", None)]))
    response = admin.post("/panel/roles/sign-out", data={"email": user.email})
    assert response.status_code == 303
    assert not _logged_in(phone) and not _logged_in(laptop)
    assert _logged_in(admin)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.type == "account.signed_out_everywhere")
    )
    assert event is not None
    assert (
        admin.post("/panel/roles/sign-out", data={"email": "nobody@example.org"}).status_code == 303
    )
    resident = _log_in(app, make_user())
    assert resident.post("/panel/roles/sign-out", data={"email": user.email}).status_code == 403
    assert _logged_in(_log_in(app, user))  # they can log in again


def test_strong_protection_ignores_a_spoofed_forwarded_for(app):
    user = make_user()
    victim = _log_in(app, user, REMOTE_ADDR="198.51.100.7")
    # The thief claims the victim's address in X-Forwarded-For; the server sees its own.
    thief = _copy(app, victim, REMOTE_ADDR="203.0.113.9")
    thief.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    assert not _logged_in(thief)
    assert _logged_in(victim)


def test_one_log_out_leaves_other_devices_logged_in(app):
    user = make_user()
    phone, laptop = _log_in(app, user), _log_in(app, user)
    phone.post("/logout")
    assert not _logged_in(phone) and _logged_in(laptop)
