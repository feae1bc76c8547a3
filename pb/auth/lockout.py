"""Growing delays after repeated failed log-ins for one e-mail address.

Counted in the rate limiter's storage (Redis in production), so every worker sees the same
count and a restart does not forget it. The key is the address as typed, known or not, so the
lock says nothing about who has an account.
"""

import hashlib

from flask import current_app

from pb.extensions import limiter

_FAILURES_KEEP_SECONDS = 24 * 3600


def _keys(email: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"pb/login-failures/{digest}", f"pb/login-lock/{digest}"


def is_locked(email: str) -> bool:
    """True while the address is in a lockout after too many failed log-ins."""
    _, lock = _keys(email)
    return limiter.storage.get(lock) > 0


def lockout_seconds(failures: int) -> int:
    """How long to lock after the `failures`-th failure in a row (0: not yet)."""
    after = current_app.config["LOGIN_LOCKOUT_AFTER"]
    if failures < after:
        return 0
    return min(2 ** (failures - after), current_app.config["LOGIN_LOCKOUT_MAX_SECONDS"])


def record_failure(email: str) -> int:
    """Count a failed log-in; lock the address for a while once there have been several."""
    failures_key, lock = _keys(email)
    failures = limiter.storage.incr(failures_key, _FAILURES_KEEP_SECONDS)
    seconds = lockout_seconds(failures)
    if seconds:
        limiter.storage.clear(lock)
        limiter.storage.incr(lock, seconds)
    return seconds


def record_success(email: str) -> None:
    for key in _keys(email):
        limiter.storage.clear(key)
