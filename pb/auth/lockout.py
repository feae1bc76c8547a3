"""Growing delays after failed log-ins, aimed at the guesser and never at the account's owner.

A lock on the e-mail address alone let anyone lock anyone out (three wrong passwords, then the
right one got 429, renewed by one request every 15 minutes). So failures are counted per
(address typed, where from), and "where from" is:

- a *known device*: a browser that has logged in to this account before carries a signed
  cookie saying so; its count is its own, so strangers' failures never block it;
- otherwise the client's address as the server sees it (behind a proxy, what the trusted
  proxy says: see ProxyFix in pb.security).

A guesser spread over many addresses is slowed too: past LOGIN_ACCOUNT_LOCKOUT_AFTER failures
for one account, devices it does not know wait as well; its known devices still get in.

Counted in the rate limiter's storage (Redis in production), so every worker sees the same
count and a restart does not forget it. The key is the address as typed, known or not, so a
lock says nothing about who has an account.
"""

import hashlib
import secrets

from flask import current_app, request
from itsdangerous import BadData, URLSafeSerializer

from pb.extensions import limiter

_FAILURES_KEEP_SECONDS = 24 * 3600
DEVICE_COOKIE = "pb_device"
_DEVICE_SALT = "pb.known-device"
_DEVICE_MAX_ACCOUNTS = 10
_DEVICE_COOKIE_SECONDS = 400 * 24 * 3600


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _account(email: str) -> str:
    return _digest(email.strip().lower())


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def _device() -> dict | None:
    """This browser's known-device record: {"id": ..., "accounts": [...]}, or None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 4000:
        return None
    try:
        data = _serializer().loads(raw)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
        return None
    return data


def is_known_device(email: str) -> bool:
    device = _device()
    return device is not None and _account(email)[:32] in device["accounts"]


def _where(email: str) -> str:
    device = _device()
    if device is not None and _account(email)[:32] in device["accounts"]:
        return f"device:{device.get('id')}"
    return f"address:{request.remote_addr}"


def _keys(email: str) -> tuple[str, str]:
    pair = _digest(_account(email), _where(email))
    return f"pb/login-failures/{pair}", f"pb/login-lock/{pair}"


def _account_keys(email: str) -> tuple[str, str]:
    account = _account(email)
    return f"pb/login-account-failures/{account}", f"pb/login-account-lock/{account}"


def is_locked(email: str) -> bool:
    """True while this client must wait before trying this address again."""
    _, lock = _keys(email)
    if limiter.storage.get(lock) > 0:
        return True
    if is_known_device(email):
        return False  # strangers' failures never hold back the owner's own browser
    _, account_lock = _account_keys(email)
    return limiter.storage.get(account_lock) > 0


def lockout_seconds(failures: int, after: int | None = None) -> int:
    """How long to lock after the `failures`-th failure in a row (0: not yet)."""
    after = current_app.config["LOGIN_LOCKOUT_AFTER"] if after is None else after
    if failures < after:
        return 0
    return min(2 ** (failures - after), current_app.config["LOGIN_LOCKOUT_MAX_SECONDS"])


def _lock(key: str, seconds: int) -> None:
    limiter.storage.clear(key)
    limiter.storage.incr(key, seconds)


def record_failure(email: str) -> int:
    """Count a failed log-in for this client and for the account; lock as the counts grow."""
    failures_key, lock = _keys(email)
    seconds = lockout_seconds(limiter.storage.incr(failures_key, _FAILURES_KEEP_SECONDS))
    if seconds:
        _lock(lock, seconds)
    account_failures, account_lock = _account_keys(email)
    everywhere = limiter.storage.incr(account_failures, _FAILURES_KEEP_SECONDS)
    account_seconds = lockout_seconds(everywhere, current_app.config["LOGIN_ACCOUNT_LOCKOUT_AFTER"])
    if account_seconds:
        _lock(account_lock, account_seconds)
    return seconds


def record_success(email: str) -> None:
    """Clear this client's count (not the account's: the guesser elsewhere is still at it)."""
    for key in _keys(email):
        limiter.storage.clear(key)


def remember_device(response, email: str) -> None:
    """Mark this browser as a known device of the account it just logged in to."""
    device = _device() or {"id": secrets.token_urlsafe(12), "accounts": []}
    account = _account(email)[:32]
    accounts = [a for a in device["accounts"] if a != account][-(_DEVICE_MAX_ACCOUNTS - 1) :]
    device["accounts"] = [*accounts, account]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(device),
        max_age=_DEVICE_COOKIE_SECONDS,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
