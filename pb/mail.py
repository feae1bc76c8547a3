"""Outgoing mail, sent only once the transaction that asked for it has committed.

With MAIL_SERVER set, messages go out over SMTP; otherwise each is written as an .eml file to
the outbox folder (instance/outbox by default) and logged, so a developer can read it.
"""

import logging
import secrets
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from pb import transaction
from pb.extensions import db
from pb.i18n import current_locale, html_lang
from pb.timeutil import utcnow

log = logging.getLogger(__name__)
_PENDING = "pb_pending_mail"


def queue_mail(to: str, subject, template: str, *, locale: str | None = None, **context) -> None:
    """Render a mail now and send it when the current transaction commits.

    The subject (a lazy string, or a function of no arguments) and the body are rendered in
    `locale`, the recipient's language (their account's), else the current reader's: so a
    mail is in the recipient's language whether a request or a background job sends it.
    """
    locale = locale or current_locale()
    with force_locale(locale):
        title = subject() if callable(subject) else str(subject)
        body = render_template(template, **context)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = title
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="pb.localhost")
    message.set_content(body)
    message["Content-Language"] = html_lang(locale)  # after set_content, which clears Content-*
    transaction.must_commit()  # a transaction is open, so its end decides the mail's fate
    db.session().info.setdefault(_PENDING, []).append((current_app._get_current_object(), message))


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


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released inside the transaction: not yet committed
    for app, message in session.info.pop(_PENDING, []):
        try:
            deliver(app, message)
        except (OSError, smtplib.SMTPException):
            # The change is committed; a lost mail must not turn into an error page.
            log.exception("could not send mail to %s", message["To"])


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    # Only the whole transaction's rollback drops the mail; a savepoint's does not.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
