"""Rate limits on guessable forms, and growing lockouts after failed log-ins."""

import time as real_time

import pytest
from limits.storage import memory as memory_storage
from sqlalchemy import func, select

from pb.audit.models import AuditEvent
from pb.auth import lockout
from pb.auth.views import LOCKED_MESSAGE
from pb.extensions import db
from tests.factories import PASSWORD, make_user

LIMITED = [
    ("/login", {"email": "x@example.org", "password": "wrong"}),
    ("/register", {"email": "not an address"}),
    ("/password/forgot", {"email": "x@example.org"}),
    ("/password/reset/not-a-token", {"password": "x"}),
    ("/receipts/check", {"code": "NOPE"}),
]


@pytest.fixture
def low_limit(app):
    app.config["RATELIMIT_SENSITIVE"] = "2/minute"
    yield
    app.config["RATELIMIT_SENSITIVE"] = "10000/minute"


@pytest.mark.parametrize(("path", "data"), LIMITED)
def test_too_many_posts_from_one_address_get_the_429_page(low_limit, client, path, data):
    for _ in range(2):
        assert client.post(path, data=data).status_code != 429
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    # Reading the page is not limited, and another address is not held back.
    assert client.get(path).status_code != 429
    other = client.post(path, data=data, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code != 429


def test_access_code_entry_is_limited(low_limit, app, client, world, login):
    pot = world.voting_pot
    pot.eligibility_mode = "code"
    db.session.flush()
    login(make_user())
    path = f"/pots/{pot.id}/ballot/prove"
    for _ in range(2):
        assert client.post(path, data={"code": "WRONG-CODE"}).status_code == 422
    assert client.post(path, data={"code": "WRONG-CODE"}).status_code == 429


def test_limits_count_per_route(low_limit, client):
    for _ in range(3):
        client.post("/receipts/check", data={"code": "NOPE"})
    assert client.post("/password/forgot", data={"email": "x@example.org"}).status_code != 429


def _failed_logins():
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.type == "auth.login_failed")
    )


def test_repeated_failures_lock_the_address_even_for_the_right_password(client):
    user = make_user(email="lock@example.org")
    for _ in range(3):
        response = client.post("/login", data={"email": user.email, "password": "wrong"})
        assert "password is not right" in response.text
    before = _failed_logins()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert str(LOCKED_MESSAGE) in response.text
    assert _failed_logins() == before  # a locked attempt is not even checked
    # Another account is not affected.
    other = make_user(email="other@example.org")
    assert (
        client.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302
    )


class _Clock:
    """The rate-limit storage's clock, moved on by the test instead of slept through."""

    def __init__(self):
        self.now = real_time.time()

    def time(self) -> float:
        return self.now


def test_the_lock_wears_off(app, client, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(memory_storage, "time", clock)  # tests use memory:// (config.py)
    user = make_user(email="wait@example.org")
    for _ in range(3):
        client.post("/login", data={"email": user.email, "password": "wrong"})
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429
    )
    clock.now += 1.1  # the first lock lasts 2^0 seconds
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    # A successful log-in starts the count again.
    client.post("/logout")
    with app.test_request_context():
        assert not lockout.is_locked(user.email)
    client.post("/login", data={"email": user.email, "password": "wrong"})
    with app.test_request_context():
        assert not lockout.is_locked(user.email)


def test_known_and_unknown_addresses_lock_alike(client):
    make_user(email="known@example.org")
    pages = []
    for email in ("known@example.org", "unknown@example.org"):
        for _ in range(3):
            client.post("/login", data={"email": email, "password": "wrong"})
        response = client.post("/login", data={"email": email, "password": "wrong"})
        pages.append((response.status_code, response.text.replace(email, "EMAIL")))
    assert pages[0] == pages[1]
    assert pages[0][0] == 429


def test_the_lock_grows_and_is_capped(app):
    with app.test_request_context():
        assert [lockout.lockout_seconds(n) for n in (1, 2, 3, 4, 5, 6)] == [0, 0, 1, 2, 4, 8]
        assert lockout.lockout_seconds(12) == 512
        assert lockout.lockout_seconds(13) == 900
        assert lockout.lockout_seconds(30) == 900
