"""Tally tests need no app and no database: they run on numbers and on the shared pabulib files."""

from collections.abc import Iterator
from pathlib import Path

import pytest

# In CI the repository is a fresh clone with shared/ beside it: <parent>/main, <parent>/shared.
PABULIB = Path(__file__).resolve().parents[2] / ".." / "shared" / "pabulib"


# The suite-wide autouse fixtures set up the app, its database and its rate limits; the tally
# needs none of them, so they are replaced here by fixtures of the same name that do nothing.
@pytest.fixture(autouse=True, scope="session")
def _transaction() -> Iterator[None]:
    """No database transaction: the tally never touches a database."""
    yield


@pytest.fixture(autouse=True, scope="session")
def _fresh_rate_limits() -> Iterator[None]:
    """No rate limits to reset: the tally has no web requests."""
    yield


def pabulib_path(name: str) -> Path:
    """Path of a shared pabulib file; skips the test when the shared data is not there."""
    if not PABULIB.is_dir():
        pytest.skip(f"shared pabulib data not found at {PABULIB.resolve()}")
    path = PABULIB / name
    if not path.is_file():
        pytest.fail(f"{name} is missing from {PABULIB.resolve()}")
    return path
