"""Signed, expiring links for e-mail confirmation and password reset (itsdangerous)."""

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM = "pb.confirm-email"
RESET = "pb.reset-password"


class TokenError(Exception):
    """The link is expired, altered or already used; the message says which for the user."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(purpose: str, data: dict) -> str:
    return _serializer(purpose).dumps(data)


def read_token(purpose: str, token: str, max_age: int) -> dict:
    """Return the data in a link made by `make_token`, or raise TokenError."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(_("This link has expired. Ask for a new one below.")) from None
    except BadSignature:
        raise TokenError(_("This link is not valid. Check you copied all of it.")) from None
    if not isinstance(data, dict):
        raise TokenError(_("This link is not valid. Check you copied all of it."))
    return data
