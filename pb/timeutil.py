"""One clock for the whole app, so tests and the audit log agree on what "now" is."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()
