"""One transaction per request, and what may happen only once it has committed.

Every request runs in one database transaction, ended in one place (`App.dispatch_request`):
committed when the view returns a response (a page with a form error included: a refused
log-in keeps its audit record), rolled back when the view raises (an `abort(403)` included).
Views never commit or roll back. Services flush; a service that can fail after writing runs
in a savepoint (`@atomic`), so a failure the view turns into a message undoes that service's
writes and nothing else, and a unique key's IntegrityError can become a friendly message.

CLI commands and jobs have no request: they call `commit()` themselves.

Side effects that must not happen for a change that did not stand (starting a job, building
a file, setting the receipt in the session) are registered with `after_commit()`: they run
once the commit has succeeded, and are dropped when the transaction rolls back. Mail has its
own hook with the same rule (pb.mail), because it needs no database and so can go out from
inside SQLAlchemy's commit event, whoever commits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from pb.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_PENDING = "pb_after_commit"  # registered in the open transaction
_READY = "pb_after_commit_ready"  # its transaction committed: to run next
_WROTE = "pb_wrote"  # the open transaction has written something


class App(Flask):
    """Flask with the request lifecycle: one commit at the end, one rollback on any error."""

    def dispatch_request(self) -> Any:
        try:
            response = super().dispatch_request()
            commit()
        except BaseException:
            db.session.rollback()
            raise
        return response


def commit() -> None:
    """Commit the session's transaction, then run what was waiting for it (after_commit).

    A transaction that wrote nothing is left alone: the app context's end closes it, and
    committing it would only expire every loaded row (a second query for each next time).
    """
    session = db.session()
    if (
        session.new
        or session.dirty
        or session.deleted
        or session.info.get(_WROTE)
        or (session.info.get(_PENDING))
    ):
        session.commit()
    ready = session.info.pop(_READY, [])
    for callback in ready:
        callback()


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current transaction has committed; never if it rolls back.

    The callback runs outside that transaction, so it may use the database (a job run at once
    in tests, say); its own writes need their own commit (jobs commit themselves).
    """
    session = db.session()
    session.connection()  # a transaction is open, so its end decides the callback's fate
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((transaction, callback))


def must_commit() -> None:
    """Say that the open transaction carries something to commit though it wrote no row
    (a mail waiting for it, say), so the request's end commits it."""
    session = db.session()
    session.connection()
    session.info[_WROTE] = True


def atomic(function: Callable[P, R]) -> Callable[P, R]:
    """Run a service in a savepoint: if it raises, its writes are undone and the error goes
    on to the view, which can turn it into a message while the rest of the request stands."""

    @functools.wraps(function)
    def in_savepoint(*args: P.args, **kwargs: P.kwargs) -> R:
        with db.session.begin_nested():
            return function(*args, **kwargs)

    return in_savepoint


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # SQLAlchemy calls this for a savepoint's release too: only the outermost commit counts.
    if session.get_nested_transaction() is not None:
        return
    session.info.pop(_WROTE, None)
    if pending := session.info.pop(_PENDING, None):
        session.info.setdefault(_READY, []).extend(callback for _, callback in pending)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    # A savepoint's rollback drops what was registered inside it; the whole one's, everything.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_WROTE, None)
        return
    pending = session.info.get(_PENDING, [])
    pending[:] = [(t, c) for t, c in pending if not _within(t, previous_transaction)]


def _within(transaction, outer) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False
