"""Backups of the whole database, and restoring one.

PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --if-exists` (the binaries must be on PATH
and match the server's major version). SQLite: the sqlite3 online backup API, which copies a
consistent snapshot even while the app is writing.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the pg tools, with the password in the environment
    (so it does not show in the process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    dsn = parsed.set(drivername="postgresql", password=None)
    return dsn.render_as_string(hide_password=False), env


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError(_("an in-memory SQLite database cannot be backed up or restored"))
    return Path(database)


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            _("%(command)s failed: %(error)s", command=command[0], error=done.stderr.strip())
        )


def backup(url: str, path: str | Path) -> None:
    """Write a backup of the database at `url` to `path`."""
    dialect = make_url(url).get_backend_name()
    if dialect == "postgresql":
        dsn, env = _libpq(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), dsn], env)
    elif dialect == "sqlite":
        _copy_sqlite(sqlite3.connect(_sqlite_file(url)), sqlite3.connect(path))
    else:
        raise BackupError(_("backups of %(kind)s databases are not supported", kind=dialect))


def restore(url: str, path: str | Path) -> None:
    """Replace the contents of the database at `url` with the backup in `path`.

    On PostgreSQL in one transaction: if anything fails, the database is left as it was.
    """
    if not Path(path).is_file():
        raise BackupError(_("%(file)s is not a file", file=path))
    dialect = make_url(url).get_backend_name()
    if dialect == "postgresql":
        dsn, env = _libpq(url)
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run([*command, "--exit-on-error", "--dbname", dsn, str(path)], env)
    elif dialect == "sqlite":
        _copy_sqlite(
            sqlite3.connect(f"file:{path}?mode=ro", uri=True), sqlite3.connect(_sqlite_file(url))
        )
    else:
        raise BackupError(_("restoring %(kind)s databases is not supported", kind=dialect))


def _copy_sqlite(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy every page of `source` into `target` in one transaction, then close both."""
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
