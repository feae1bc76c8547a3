"""HTTP hardening on every response, and session lifetimes."""

from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, request, session
from flask_login import current_user, logout_user

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


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    app.before_request(_session_lifetime)


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
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
