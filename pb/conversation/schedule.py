"""The conversation's scheduled work: the reminder two days before a close, and the weekly digest.

Each is a function that takes its clock as an argument (tests pass a day), run by `pb remind`
/ `pb digest` from cron, or by the worker's Huey schedule (daily at 08:00 and Mondays at 08:00,
UTC). Both are idempotent: a pot is reminded once, a notice is sent once.
"""

from datetime import date, datetime

from flask import current_app
from huey import crontab

from pb.conversation import notify
from pb.extensions import db
from pb.http import base_url
from pb.jobs import huey, worker_app


def _mail_context():
    # Mail links are absolute on BASE_URL; url_for needs a request to build them from.
    return current_app.test_request_context(base_url=base_url())


def run_reminders(on: date | None = None) -> int:
    """Send the due reminders and commit; returns how many residents were reminded."""
    with _mail_context():
        reached = notify.send_reminders(on)
        db.session.commit()
    return reached


def run_digests(now: datetime | None = None) -> int:
    """Send the weekly digests and commit; returns how many were sent."""
    with _mail_context():
        sent = notify.send_digests(now)
        db.session.commit()
    return sent


@huey.periodic_task(crontab(minute="0", hour="8"))
def daily_reminders() -> None:
    with worker_app().app_context():
        run_reminders()


@huey.periodic_task(crontab(minute="0", hour="8", day_of_week="1"))
def weekly_digests() -> None:
    with worker_app().app_context():
        run_digests()
