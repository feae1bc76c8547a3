"""Accounts: registration, e-mail confirmation, log-in checks and password reset."""

from datetime import date

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pb.audit.services import record
from pb.auth import sessions
from pb.auth.models import User
from pb.auth.tokens import CONFIRM, RESET, TokenError, make_token, read_token
from pb.extensions import db
from pb.http import absolute_url
from pb.i18n import current_locale
from pb.mail import queue_mail
from pb.timeutil import utcnow

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def register(
    *, email: str, display_name: str, password: str, postcode: str, date_of_birth: date | None
) -> User | None:
    """Create an account and mail a confirmation link.

    For an address that already has an account nothing is created; its owner is mailed instead,
    so the page shown is the same either way and nobody can learn who is registered.
    """
    email = email.strip().lower()
    existing = find_user_by_email(email)
    if existing is not None:
        # The same argon2 work as a new account: otherwise the time taken tells who is
        # registered (issue 14 measured 9 ms against 127 ms).
        hash_password(password)
        queue_mail(
            existing.email,
            _l("Someone tried to register with your e-mail address"),
            "mail/already_registered.txt",
            locale=existing.locale,
            user=existing,
            login_url=absolute_url("auth.login"),
            reset_url=absolute_url("auth.forgot_password"),
        )
        return None
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        postcode=postcode,
        date_of_birth=date_of_birth,
        # The language they registered in: later mail is written in it.
        locale=current_locale(),
    )
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    record("account.registered", actor=user)
    return user


def send_confirmation(user: User) -> None:
    token = make_token(CONFIRM, {"user": user.id, "email": user.email})
    queue_mail(
        user.email,
        _l("Confirm your e-mail address"),
        "mail/confirm_email.txt",
        locale=user.locale,
        user=user,
        url=absolute_url("auth.confirm_email", token=token),
    )


def confirm_email(token: str) -> User:
    """Mark the address in a confirmation link as confirmed; raise TokenError if it is not."""
    data = read_token(CONFIRM, token, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    user = db.session.get(User, data.get("user"))
    if user is None or user.email != data.get("email"):
        raise TokenError(_l("This link is not valid. Check you copied all of it."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record("account.email_confirmed", actor=user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None (failed attempts go to the audit log)."""
    user = find_user_by_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        record("auth.login_failed", email=email.strip().lower()[:254])
        return None
    if user is None:  # pragma: no cover - the dummy hash never verifies
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address has an account, and a note saying there is none
    otherwise; the page shown says nothing either way."""
    user = find_user_by_email(email)
    if user is None:
        # One mail either way, so the time taken does not tell who has an account (issue 14);
        # the page shown is the same too.
        queue_mail(
            email.strip(),
            _l("Password reset: no account with this address"),
            "mail/reset_no_account.txt",
            register_url=absolute_url("auth.register"),
        )
        return
    token = make_token(RESET, {"user": user.id, "epoch": user.session_epoch})
    queue_mail(
        user.email,
        _l("Reset your password"),
        "mail/reset_password.txt",
        locale=user.locale,
        user=user,
        url=absolute_url("auth.reset_password", token=token),
    )


def user_for_reset(token: str) -> User:
    """The user a reset link is for; a link stops working once the password has changed."""
    data = read_token(RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("user"))
    if user is None or user.session_epoch != data.get("epoch"):
        raise TokenError(_l("This link has already been used. Ask for a new one below."))
    return user


def reset_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    sessions.end_all(user)  # signs out every session (and bumps the epoch: voids the link)
    # Following the mailed link proves the address belongs to them.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    record("account.password_reset", actor=user)
