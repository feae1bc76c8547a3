"""The background job queue: counts off the request, a progress page without JavaScript, and a
real `pb worker` taking a job from the SQLite queue."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pb import jobs
from pb.extensions import db
from pb.results.models import Result
from tests.factories import make_pot, make_proposal, make_user
from tests.results.published import cast

ROOT = Path(__file__).resolve().parents[2]


def _closed_pot(world):
    pot = make_pot(world.council, world.north, phase="closed", rule="equalshares", amount=100_000)
    proposals = {
        t: make_proposal(pot, cost=c, title=t) for t, c in {"A": 60_000, "B": 50_000}.items()
    }
    cast(pot, proposals, [["A"], ["A"], ["B"]])
    return pot


def test_the_panels_tally_runs_as_a_job_and_lands_on_the_preview(app, world):
    pot = _closed_pot(world)
    panel = make_user(roles=[("panel", world.north.id)])
    client = app.test_client()
    from tests.factories import PASSWORD

    client.post("/login", data={"email": panel.email, "password": PASSWORD})
    response = client.post(f"/panel/pots/{pot.id}/tally")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/panel/pots/{pot.id}/tally")
    job = db.session.scalars(db.select(jobs.Job).where(jobs.Job.pot_id == pot.id)).one()
    assert job.kind == "tally" and job.status == "done" and job.finished_at is not None
    result = db.session.scalars(db.select(Result).where(Result.pot_id == pot.id)).one()
    assert "what_it_would_take" in result.outcome  # the long part ran in the job
    page = client.get(f"/panel/pots/{pot.id}/jobs/{job.id}").text
    assert "The count has finished." in page and 'http-equiv="refresh"' not in page


def test_a_waiting_job_page_refreshes_itself(app, world):
    pot = _closed_pot(world)
    job = jobs.Job(kind="tally", pot_id=pot.id)
    db.session.add(job)
    db.session.commit()
    panel = make_user(roles=[("panel", world.north.id)])
    client = app.test_client()
    from tests.factories import PASSWORD

    client.post("/login", data={"email": panel.email, "password": PASSWORD})
    page = client.get(f"/panel/pots/{pot.id}/jobs/{job.id}").text
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "waiting for a worker" in page
    other = make_pot(world.council, world.north)
    assert client.get(f"/panel/pots/{other.id}/jobs/{job.id}").status_code == 404


def test_a_failing_job_says_why_and_changes_nothing(app, world):
    pot = _closed_pot(world)

    @jobs.handler("test-broken")
    def broken(job):
        pot.name = "changed by a broken job"
        raise RuntimeError("boom")

    @jobs.handler("test-refused")
    def refused(job):
        raise jobs.JobError("The pot is not closed.")

    try:
        for kind in ("test-broken", "test-refused"):
            job = jobs.enqueue(kind, pot=pot)
            db.session.commit()
            jobs.start(job)
        broken_job, refused_job = db.session.scalars(
            db.select(jobs.Job).where(jobs.Job.pot_id == pot.id).order_by(jobs.Job.id)
        ).all()
        assert broken_job.status == "failed" and "nothing was changed" in broken_job.error
        assert refused_job.status == "failed" and refused_job.error == "The pot is not closed."
        db.session.refresh(pot)
        assert pot.name != "changed by a broken job"
    finally:
        jobs.HANDLERS.pop("test-broken")
        jobs.HANDLERS.pop("test-refused")


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="no handler"):
        jobs.enqueue("no-such-kind")


def test_a_real_worker_takes_a_job_from_the_sqlite_queue(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PB_JOBS_IMMEDIATE")}
    env.update(
        PB_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp_path / 'pb.sqlite3'}",
        PB_INSTANCE_PATH=str(tmp_path),
        PB_JOBS_FILE=str(tmp_path / "jobs.sqlite3"),
    )
    pb = [str(Path(sys.executable).parent / "pb")]
    subprocess.run([*pb, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    enqueue = (
        "from pb import create_app, jobs\n"
        "from pb.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    job = jobs.enqueue('ping'); db.session.commit(); jobs.start(job); print(job.id)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", enqueue],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    job_id = int(done.stdout.strip().splitlines()[-1])

    def status():
        with sqlite3.connect(tmp_path / "pb.sqlite3") as connection:
            return connection.execute(
                "SELECT status, progress FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()

    assert status()[0] == "queued"  # nobody ran it in the enqueueing process
    worker = subprocess.Popen(
        [*pb, "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while status()[0] != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status() == ("done", "Done.")
    finally:
        worker.terminate()
        worker.wait(timeout=10)


def test_the_queue_is_on_redis_when_redis_url_is_set_else_on_a_sqlite_file(monkeypatch, tmp_path):
    from huey import RedisHuey, SqliteHuey

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert isinstance(jobs.make_huey(), RedisHuey)
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.setenv("PB_JOBS_FILE", str(tmp_path / "queue.sqlite3"))
    queue = jobs.make_huey()
    assert isinstance(queue, SqliteHuey) and queue.storage.filename.endswith("queue.sqlite3")
