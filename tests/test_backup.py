"""`pb backup` and `pb restore`: a restored database gives the same published results."""

import io
import os
import zipfile
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from pb import create_app
from pb.audit import package
from pb.cli import cli
from pb.extensions import db
from pb.pots.models import Pot
from pb.results.services import latest, run_tally
from tests.results.published import published_pot
from tests.served import fresh_database


def _results_json(pot) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package.build(pot))) as archive:
        return archive.read("results.json")


@contextmanager
def _empty_database(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        with fresh_database(database_url, f"pb_restore_{os.getpid()}") as url:
            yield url


def _pb(app, *args):
    result = CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.committing  # the backup reads the database from outside the test's transaction
def test_a_restored_backup_gives_the_same_published_results(app, world, database_url, tmp_path):
    pot, _ = published_pot(
        world.council,
        world.north,
        {"Alpha": 30_000, "Bravo": 50_000, "Charlie": 40_000},
        online=[["Alpha", "Bravo"], ["Bravo"], ["Charlie", "Alpha"], ["Bravo", "Charlie"]],
        paper=[["Alpha"]],
    )
    pot_id, outcome, results_json = pot.id, latest(pot, published=True).outcome, _results_json(pot)
    db.session.close()
    backup_file = tmp_path / "pb.backup"
    assert "backed up" in _pb(app, "backup", str(backup_file))

    with _empty_database(database_url, tmp_path) as url:
        restored = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            INSTANCE_DIR=app.config["INSTANCE_DIR"],  # the same signing key
            MAIL_OUTBOX=app.config["MAIL_OUTBOX"],
        )
        with restored.app_context():
            try:
                assert "restored" in _pb(restored, "restore", "--yes", str(backup_file))
                pot = db.session.get(Pot, pot_id)
                assert latest(pot, published=True).outcome == outcome
                assert _results_json(pot) == results_json
                # Counting the restored ballots again reaches the same outcome.
                recount = run_tally(pot, None, correction_reason="re-count of a restored backup")
                assert recount.outcome == outcome
                db.session.rollback()
            finally:
                db.session.remove()
                db.engine.dispose()


def test_restore_refuses_a_missing_file(app, tmp_path):
    result = CliRunner().invoke(
        cli, ["restore", "--yes", str(tmp_path / "nope")], obj=ScriptInfo(create_app=lambda: app)
    )
    assert result.exit_code != 0
