"""Server-side log-in sessions: a signed cookie alone no longer keeps anyone logged in.

Flask's session is a signed cookie, so ending it in the browser (log-out) did nothing to a copy
taken before. Now each log-in stores a row (pb.auth.models.LoginSession) keyed by the SHA-256
of a random token kept in the cookie; the user loader accepts a session only while its row
exists, in the same query that loads the user. Ending a session deletes its row.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request, session
from sqlalchemy import delete

from pb.auth.models import LoginSession, User
from pb.extensions import db
from pb.timeutil import utcnow

SESSION_TOKEN = "pb_sid"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_token_hash() -> str | None:
    """The hash of this request's session token, or None when it carries none."""
    token = session.get(SESSION_TOKEN)
    return token_hash(token) if isinstance(token, str) and token else None


def start(user: User) -> None:
    """Begin a session for `user` in this browser (call after session.clear())."""
    token = secrets.token_urlsafe(32)
    oldest = utcnow() - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    # Sessions past their longest life are dead anyway; tidy them as the user comes back.
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.created_at < oldest
        )
    )
    db.session.add(LoginSession(token_sha256=token_hash(token), user_id=user.id))
    db.session.flush()
    session[SESSION_TOKEN] = token


def end_current() -> None:
    """End this browser's session on the server."""
    digest = current_token_hash()
    if digest is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.token_sha256 == digest))


def end_all(user: User) -> None:
    """End every session of `user` (password change, "sign out everywhere")."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    user.session_epoch += 1  # and any cookie minted before this, whatever it carries


def client_identifier() -> str:
    """What Flask-Login's "strong" protection ties a session to: the client's address as the
    server sees it (after ProxyFix, only what trusted proxies say; never a raw
    X-Forwarded-For, which any client can send) and its user agent."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"{request.remote_addr}|{agent}".encode()).hexdigest()
