"""One clock for the whole app, so tests and the audit log agree on what "now" is."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()


def years_between(born: date, day: date) -> int:
    """Whole years from `born` to `day`: a person's age on `day` (a 29 February birthday
    comes round on 1 March in other years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
