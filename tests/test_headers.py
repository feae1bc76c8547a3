from datetime import UTC, datetime, timedelta

from tests.factories import make_user


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://pb.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_flags(client):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _age_session(client, **ago):
    with client.session_transaction() as session:
        for key, delta in ago.items():
            session[key] = (datetime.now(UTC) - delta).isoformat()


def test_idle_sessions_end(client, login):
    login(make_user())
    assert client.get("/account").status_code == 200
    _age_session(client, pb_seen=timedelta(minutes=31))
    assert client.get("/account").status_code == 302


def test_sessions_end_after_the_absolute_limit(client, login):
    login(make_user())
    client.get("/account")
    _age_session(client, pb_started=timedelta(hours=13))
    assert client.get("/account").status_code == 302


def test_an_active_session_continues(client, login):
    login(make_user())
    client.get("/account")
    _age_session(client, pb_seen=timedelta(minutes=29), pb_started=timedelta(hours=11))
    assert client.get("/account").status_code == 200


def _seen(client) -> datetime:
    with client.session_transaction() as session:
        return datetime.fromisoformat(session["pb_seen"])


def test_activity_moves_the_idle_limit_on(client, login):
    login(make_user())
    client.get("/account")
    _age_session(client, pb_seen=timedelta(minutes=20))
    client.get("/account")
    assert datetime.now(UTC) - _seen(client) < timedelta(minutes=1)


def test_the_session_cookie_is_not_rewritten_within_a_minute(client, login):
    login(make_user())
    client.get("/account")
    seen = _seen(client)
    response = client.get("/account")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert _seen(client) == seen
