"""The background job queue: long work (a count, later mail and audit packages) off the request.

Huey carries the messages: Redis when REDIS_URL is set, so any app server can enqueue and any
worker can take the job; otherwise a SQLite file beside the database (the embedded default,
one machine). `pb worker` runs the consumer; `make run` starts one beside the server. Tests and
PB_JOBS_IMMEDIATE=1 run each job at once, in the caller (Huey's immediate mode).

What a job is doing lives in the database, not in Huey: a `jobs` row (kind, status, a line of
progress, what it made), so the progress page reads the same thing on every app server and a
job is never lost between "queued" and the worker picking it up. Kinds are registered by the
areas that own the work (`@handler("tally")` in pb.results), so this module depends on nothing
above the database.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _
from huey import RedisHuey, SqliteHuey
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import Model, db
from pb.timeutil import utcnow
from pb.transaction import after_commit

log = logging.getLogger(__name__)


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobError(Exception):
    """A job that cannot do its work, with a message for the person who started it."""


class Job(Model):
    """One piece of background work and how far it has got."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="ck_jobs_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED.value)
    pot_id: Mapped[int | None] = mapped_column(ForeignKey("pots.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the job was asked to do (JSON-ready), and a line people can read while it runs.
    params: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(String(200), default="Waiting for a worker.")
    error: Mapped[str | None] = mapped_column(Text)
    # Where to go when it is done (a path inside the app).
    result_url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


def make_huey():
    """Huey on Redis when REDIS_URL is set, else on a SQLite file (PB_JOBS_FILE)."""
    url = os.environ.get("REDIS_URL")
    if url:
        return RedisHuey("pb", url=url)
    default = Path(__file__).resolve().parents[1] / "instance"
    instance = Path(os.environ.get("PB_INSTANCE_PATH", default))
    filename = os.environ.get("PB_JOBS_FILE", str(instance / "jobs.sqlite3"))
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("pb", filename=filename)


huey = make_huey()


def configure(app) -> None:
    """Run jobs at once, in the caller, when the app says so (tests, PB_JOBS_IMMEDIATE=1)."""
    immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    if huey.immediate != immediate:
        huey.immediate = immediate


HANDLERS: dict[str, Callable[[Job], str | None]] = {}
_worker_app = None


def handler(kind: str):
    """Register the function doing jobs of ``kind``; it returns the URL of what it made."""

    def register(function: Callable[[Job], str | None]):
        HANDLERS[kind] = function
        return function

    return register


def enqueue(kind: str, *, pot=None, actor=None, params: str = "") -> Job:
    """Record a job and flush it; it goes to the queue once the caller's transaction commits
    (pb.transaction.after_commit), so a worker never looks for a job that is not there."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    job = Job(
        kind=kind,
        pot_id=pot.id if pot is not None else None,
        actor_id=actor.id if actor is not None else None,
        params=params,
    )
    db.session.add(job)
    db.session.flush()
    job_id = job.id
    after_commit(lambda: _run_job(job_id))
    return job


def start(job: Job) -> None:
    """Hand a committed job to the queue (in tests it runs now, before this returns)."""
    _run_job(job.id)


def run_at_once() -> bool:
    """Whether jobs run in the caller, as soon as they are queued (tests, PB_JOBS_IMMEDIATE)."""
    return bool(huey.immediate)


@huey.task()
def _run_job(job_id: int) -> None:
    if has_app_context():
        run(job_id)
        return
    with worker_app().app_context():
        run(job_id)


def worker_app():
    """The app a job runs in: the one `pb worker` started with, or a new one."""
    global _worker_app
    if _worker_app is None:  # a consumer started without `pb worker`
        from pb import create_app

        _worker_app = create_app()
    return _worker_app


def run(job_id: int) -> None:
    """Do one job: mark it running, call its handler, record done or failed. Commits (a job
    has no request to commit for it); after_commit callbacks a handler registers are not run
    from here: a job's side effects are its own."""
    job = db.session.get(Job, job_id)
    if job is None or job.finished:
        return  # already done (a retried message) or gone: nothing doubled
    job.status = JobStatus.RUNNING.value
    job.started_at = utcnow()
    job.progress = _("Working on it.")
    db.session.commit()
    try:
        url = HANDLERS[job.kind](job)
    except JobError as exc:
        _fail(job_id, str(exc))
        return
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, _("Something went wrong; nothing was changed. Try again."))
        return
    job.status = JobStatus.DONE.value
    job.finished_at = utcnow()
    job.progress = "Done."
    job.result_url = url
    db.session.commit()


def _fail(job_id: int, message: str) -> None:
    db.session.rollback()
    job = db.session.get(Job, job_id)
    if job is None:  # deleted while it ran: nothing left to mark
        return
    job.status = JobStatus.FAILED.value
    job.finished_at = utcnow()
    job.progress = "Stopped."
    job.error = message
    db.session.commit()


def worker(workers: int = 1) -> None:
    """Run the Huey consumer in this process until it is stopped (SIGINT/SIGTERM)."""
    global _worker_app
    _worker_app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy method: how Flask documents reaching the app
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()


@handler("ping")
def _ping(job: Job) -> str | None:
    """A job that does nothing: for checking that a worker is taking jobs (`pb worker`)."""
    job.progress = "Pong."
    return None
