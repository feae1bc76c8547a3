"""HTTP hardening on every response, proxy headers only from trusted proxies, and session
lifetimes."""

import re
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address, ip_network

from flask import Flask, current_app, request, session
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from pb.extensions import db

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

SEEN_PRECISION = timedelta(minutes=1)


def csp_for(tile_url: str | None) -> str:
    """The CSP, letting map tiles come from the configured tile server's origin only."""
    match = re.match(r"^(https://[A-Za-z0-9.-]+(?::\d+)?)/", tile_url or "")
    if not match:
        return CSP
    return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {match.group(1)}")


_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
              "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")  # fmt: skip


class TrustedProxies:
    """Believe X-Forwarded-* only when the connection comes from a configured proxy.

    Behind a TLS proxy every request arrives from the proxy's address, so without this every
    user shared one log-in limit and `request.is_secure` was never true (no HSTS); trusting
    the headers from anyone would let any client pick its own address. From a trusted proxy,
    werkzeug's ProxyFix takes the client's address and scheme from the last PROXY_HOPS
    entries; from anyone else, the headers are removed before the app sees them.
    """

    def __init__(self, wsgi_app, proxies: tuple[str, ...], hops: int):
        self.networks = [ip_network(p, strict=False) for p in proxies]
        self.plain = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=hops, x_proto=hops)

    def _trusted(self, address: str | None) -> bool:
        try:
            ip = ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self._trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for name in _FORWARDED:
            environ.pop(name, None)
        return self.plain(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = TrustedProxies(
        app.wsgi_app, tuple(app.config.get("TRUSTED_PROXIES", ())), app.config["PROXY_HOPS"]
    )
    app.extensions["pb_csp"] = csp_for(app.config.get("TILE_URL"))
    app.after_request(_headers)
    app.before_request(_session_lifetime)


def _headers(response):
    response.headers.setdefault(
        "Content-Security-Policy", current_app.extensions.get("pb_csp", CSP)
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def _session_lifetime():
    """Log out after SESSION_IDLE_MINUTES without a request, or SESSION_MAX_HOURS in all."""
    if not current_user.is_authenticated:
        return
    now = datetime.now(UTC)
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    longest = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    started = _when(session.get("pb_started")) or now
    last = _when(session.get("pb_seen")) or now
    if now - last > idle or now - started > longest:
        from pb.auth.sessions import end_current

        end_current()
        db.session.commit()  # before the view: this request goes on logged out
        logout_user()
        session.clear()
        return
    session.setdefault("pb_started", now.isoformat())
    # To the minute: writing it on every request would re-sign and re-send the cookie each time.
    if "pb_seen" not in session or now - last >= SEEN_PRECISION:
        session["pb_seen"] = now.isoformat()


def _when(text):
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
