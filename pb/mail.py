"""Outgoing mail: rendered in the request, handed to the job queue once the transaction commits.

Nothing is sent inside a request. `queue_mail` renders the message (in the recipient's language)
and keeps it on the session; when the session commits, each message becomes a Huey task
(pb.jobs' queue: Redis or the SQLite file) that a `pb worker` sends. A rollback drops it.

Sending retries MAIL_RETRIES times, waiting MAIL_RETRY_DELAY seconds and then twice as long
each time; a message that still fails is kept in `failed_mail` (the dead letters), which admins
list, retry or discard (pb.admin.mail). In immediate mode (tests) a message is sent at the
commit and a failure is final at once: the retry delays would otherwise never come round.

With MAIL_SERVER set, messages go out over SMTP; otherwise each is written as an .eml file to
the outbox folder (instance/outbox by default) and logged, so a developer can read it.
"""

import logging
import secrets
import smtplib
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import DateTime, ForeignKey, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from pb import transaction
from pb.extensions import Model, db
from pb.i18n import current_locale, html_lang
from pb.jobs import huey
from pb.timeutil import utcnow

log = logging.getLogger(__name__)
_PENDING = "pb_pending_mail"
MAIL_RETRIES = 4
MAIL_RETRY_DELAY = 60


class FailedMail(Model):
    """A message the queue gave up on after its retries: kept for an admin to retry or drop."""

    __tablename__ = "failed_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # The whole message as it was queued; it may hold a sign-in link, so only admins see the
    # list (addresses and subjects), never the body.
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # NULL while it waits for an admin; "retried" or "discarded" once one has acted.
    resolution: Mapped[str | None] = mapped_column(String(10))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def recipient_locale(user) -> str:
    """The language to write to `user` in: their account's (User.locale), else the default."""
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en_GB")
    return (getattr(user, "locale", None) if user is not None else None) or default


def queue_mail(
    to: str,
    subject,
    template: str,
    *,
    locale: str | None = None,
    unsubscribe_url: str | None = None,
    **context,
) -> None:
    """Render a mail now and queue it for sending when the current transaction commits.

    The subject (a lazy string, or a function of no arguments) and the body are rendered in
    `locale`, else the language of ``context["user"]`` (the recipient's account), else the
    current reader's: so a mail is in the recipient's language whether a request or a
    background job sends it. ``unsubscribe_url`` adds the one-click List-Unsubscribe headers
    (RFC 2369 and RFC 8058).
    """
    user = context.get("user")
    if locale is None:
        locale = recipient_locale(user) if getattr(user, "locale", None) else current_locale()
    with force_locale(locale):
        title = subject() if callable(subject) else str(subject)
        body = render_template(template, unsubscribe_url=unsubscribe_url, **context)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = title
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="pb.localhost")
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    message["Content-Language"] = html_lang(locale)  # after set_content, which clears Content-*
    queue_raw(bytes(message))


def queue_raw(raw: bytes) -> None:
    """Queue an already built message (a retried dead letter) for after the commit."""
    transaction.must_commit()  # a transaction is open, so its end decides the mail's fate
    db.session().info.setdefault(_PENDING, []).append(raw)


def deliver(app, message: EmailMessage) -> None:
    """Send one message by SMTP, or write it to the outbox when no server is configured."""
    config = app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        log.info("mail sent to %s: %s", message["To"], message["Subject"])
        return
    outbox = config["MAIL_OUTBOX"]
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
    (outbox / name).write_bytes(bytes(message))
    log.info("mail to %s written to %s: %s", message["To"], outbox / name, message["Subject"])


def _parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)


@huey.task(retries=MAIL_RETRIES, retry_delay=MAIL_RETRY_DELAY, retry_backoff=2, context=True)
def send_mail(raw: bytes, task=None) -> None:
    """The queue's job: send one message; on the last failed attempt keep it as a dead letter."""
    from pb.jobs import worker_app

    app = current_app._get_current_object() if has_app_context() else worker_app()  # type: ignore[attr-defined]  # a LocalProxy method: how Flask documents reaching the app
    message = _parse(raw)
    try:
        deliver(app, message)
    except (OSError, smtplib.SMTPException) as exc:
        left = task.retries if task is not None else 0
        if left == 0:
            _keep_dead_letter(app, message, raw, exc, attempts=MAIL_RETRIES + 1)
        raise


def _keep_dead_letter(app, message, raw: bytes, exc: Exception, attempts: int) -> None:
    # Its own connection and transaction: in immediate mode this runs inside the commit hook
    # of the request's session, which cannot emit SQL any more.
    with app.app_context(), Session(db.engine) as session:
        session.add(
            FailedMail(
                to=str(message["To"])[:254],
                subject=str(message["Subject"])[:300],
                raw=raw,
                error=f"{type(exc).__name__}: {exc}"[:2000],
                attempts=attempts,
            )
        )
        session.commit()
    log.error("gave up on mail to %s after %s attempts", message["To"], attempts)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released inside the transaction: not yet committed
    for raw in session.info.pop(_PENDING, []):
        try:
            if huey.immediate:
                huey.enqueue(send_mail.s(raw, retries=0))
            else:
                send_mail(raw)
        except Exception as exc:
            # The change is committed; a queue that cannot be reached must not turn into an
            # error page: the message joins the dead letters for an admin to retry.
            log.exception("could not queue mail")
            app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy method: how Flask documents reaching the app
            _keep_dead_letter(app, _parse(raw), raw, exc, 0)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    # Only the whole transaction's rollback drops the mail; a savepoint's does not.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
