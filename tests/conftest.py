"""Test set-up: one migrated database per run, each test inside a rolled-back transaction.

SQLite by default; PostgreSQL when PB_TEST_DATABASE_URL is set (`.ci/run` does both).
"""

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session

from pb import catalogs, create_app, i18n
from pb.extensions import db, limiter
from tests import factories

POSTGRES_URL = os.environ.get("PB_TEST_DATABASE_URL")


def pytest_sessionstart(session):
    # The app reads compiled catalogs (.mo), which are built, never committed: build them
    # here too, so a plain `pytest` sees the translations `make test` would.
    catalogs.compile_all()


def pytest_collection_modifyitems(config, items):
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set PB_TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        MAIL_OUTBOX=instance / "outbox",
        INSTANCE_DIR=instance,
    )
    with app.app_context():
        _reset_schema()
        upgrade()

    @app.before_request
    def _forget_previous_client():
        # Requests in a test share the test's app context (and so `g`); Flask-Login keeps
        # the user in `g`, so without this one client's login would leak into the next's.
        g.pop("_login_user", None)

    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections before the interpreter does


def _reset_schema() -> None:
    """Start from an empty database, whatever an earlier run left behind."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(connection)
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


class _OneConnectionSession(Session):
    """Flask-SQLAlchemy picks the engine itself; in tests every query must use our connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Rate-limit counters and log-in lockouts start from zero in every test; so does the
    council's choice of languages, which pb.i18n keeps for a while."""
    limiter.reset()
    # As a council that has not chosen yet: every language with a catalog, English first.
    i18n.remember_council_languages(None, None)


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run the test in a transaction that is rolled back, so tests cannot see each other.

    Tests marked `committing` talk to the database from several connections and so need
    real commits; they clean up after themselves instead.
    """
    if "committing" in request.keywords:
        with app.app_context():
            yield
            db.session.remove()
            _delete_all_rows()
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "class_": _OneConnectionSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


def _delete_all_rows() -> None:
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # The audit tables refuse DELETE by trigger (migration 0004); this cleanup is the
            # one place allowed past it, for this transaction only.
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app):
    """The mail written during this test, newest last, as (to, subject, body)."""
    folder: Path = app.config["MAIL_OUTBOX"]
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    return factories.Outbox(folder)


@pytest.fixture
def login(client):
    """Log a user in through the real form: `login(user)`."""

    def _login(user, password=factories.PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.text
        return response

    return _login


@pytest.fixture
def world():
    """A council with two wards and a pot in each phase residents meet."""
    return factories.World.build()


def link_in(body: str) -> str:
    """The path of the first link in a mail body."""
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)
