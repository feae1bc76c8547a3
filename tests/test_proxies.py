"""Behind a TLS proxy: the client's address and scheme come from the proxy, and only from a
proxy that is configured (issue 14: every user shared one log-in limit and HSTS was never sent;
trusting X-Forwarded-For from anyone would let any client choose its address)."""

from ipaddress import ip_network

import pytest

from pb.security import TrustedProxies

PROXY = "10.0.0.5"
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}


@pytest.fixture
def behind_proxy(app, monkeypatch):
    monkeypatch.setattr(app.wsgi_app, "networks", [ip_network("10.0.0.0/24")])


def _get(client, address, headers=None):
    return client.get(
        "/register/check-email", headers=headers or {}, environ_base={"REMOTE_ADDR": address}
    )


def test_hsts_is_sent_behind_a_trusted_tls_proxy(client, behind_proxy):
    response = _get(client, PROXY, HTTPS)
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_forwarded_headers_from_anyone_else_are_ignored(client, behind_proxy):
    assert "Strict-Transport-Security" not in _get(client, "192.0.2.1", HTTPS).headers
    assert "Strict-Transport-Security" not in _get(client, PROXY).headers  # plain http


def _seen(proxies, environ):
    seen = {}

    def app(env, start_response):
        seen.update(env)
        start_response("200 OK", [])
        return [b""]

    TrustedProxies(app, proxies, 1)({"REMOTE_ADDR": PROXY, **environ}, lambda *a: None)
    return seen


def test_the_client_address_is_the_proxys_word_only_from_the_proxy():
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.5", "HTTP_X_FORWARDED_PROTO": "https"}
    trusted = _seen(("10.0.0.0/24",), forwarded)
    assert trusted["REMOTE_ADDR"] == "203.0.113.5" and trusted["wsgi.url_scheme"] == "https"
    untrusted = _seen((), {**forwarded, "wsgi.url_scheme": "http"})
    assert untrusted["REMOTE_ADDR"] == PROXY and untrusted["wsgi.url_scheme"] == "http"
    assert "HTTP_X_FORWARDED_FOR" not in untrusted  # removed before the app can read it
    # A client that prepends a false address gets only the proxy's last word believed.
    spoofed = _seen(("10.0.0.5",), {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"})
    assert spoofed["REMOTE_ADDR"] == "203.0.113.5"


def test_each_client_behind_the_proxy_has_its_own_log_in_limit(app, client, behind_proxy):
    app.config["RATELIMIT_SENSITIVE"] = "2/minute"
    try:
        data = {"email": "x@example.org", "password": "wrong"}

        def post(who):
            return client.post(
                "/login",
                data=data,
                headers={"X-Forwarded-For": who},
                environ_base={"REMOTE_ADDR": PROXY},
            ).status_code

        assert [post("203.0.113.1") for _ in range(3)][-1] == 429
        assert post("203.0.113.2") != 429
    finally:
        app.config["RATELIMIT_SENSITIVE"] = "10000/minute"
