"""The mail residents get about what they follow, one function per event.

Each mail goes to the audience of its pot or proposal (pb.conversation.follows), in the
recipient's language, with a one-click unsubscribe link. A resident who chose the weekly
digest gets a notice kept for `send_digests` instead; one who chose "none" gets nothing.

What a mail may say: the public facts of the pot (reviews, supports counts, dates, results) and,
for a reminder, only that voting closes soon. A mail never says how anyone voted, who else was
mailed, or whether anyone else has voted. The reminder goes only to followers who have not taken
part: a mail going or not going says something to its own recipient only, about themselves.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from pb.auth.models import User
from pb.auth.tokens import make_token, read_token
from pb.conversation import follows
from pb.conversation.models import Notice
from pb.extensions import db
from pb.http import absolute_url, base_url
from pb.mail import queue_mail, recipient_locale
from pb.pots.models import Phase, Pot
from pb.timeutil import today, utcnow
from pb.voting.eligibility import taken_part_in

UNSUBSCRIBE = "pb.unsubscribe"
# An unsubscribe link keeps working for a long time: old mail is where people look for it.
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600
REMINDER_DAYS = 2


def _link(endpoint: str, **values) -> str:
    """An absolute link for mail, also outside a request (a CLI command, a job, the seed)."""
    if has_request_context():
        return absolute_url(endpoint, **values)
    with current_app.test_request_context(base_url=base_url()):
        return absolute_url(endpoint, **values)


def unsubscribe_url(user: User) -> str:
    token = make_token(UNSUBSCRIBE, {"user": user.id})
    return _link("conversation.unsubscribe", token=token)


def user_for_unsubscribe(token: str) -> User:
    """The user an unsubscribe link is for; raises TokenError for a bad link."""
    from pb.auth.tokens import TokenError

    data = read_token(UNSUBSCRIBE, token, UNSUBSCRIBE_MAX_AGE)
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None:
        raise TokenError(_("This link is not valid. Check you copied all of it."))
    return user


def _send(users, subject, template: str, **context) -> int:
    """Mail (or keep for the digest) one event for each user; ``subject`` is a function, called
    in the recipient's language. Returns how many residents it reached."""
    reached = 0
    for user in users:
        if not user.email_confirmed or user.notify == "none":
            continue
        with force_locale(recipient_locale(user)):
            title = subject()
        if user.notify == "weekly":
            with force_locale(recipient_locale(user)):
                body = render_template(template, user=user, digest=True, **context)
            db.session.add(Notice(user_id=user.id, subject=title[:300], body=body))
        else:
            queue_mail(
                user.email,
                title,
                template,
                locale=recipient_locale(user),
                user=user,
                digest=False,
                unsubscribe_url=unsubscribe_url(user),
                **context,
            )
        reached += 1
    db.session.flush()
    return reached


def proposal_reviewed(proposal) -> int:
    """The panel found a proposal feasible or not: its followers hear, with the public reason."""
    audience = follows.audience_of_proposal(proposal)
    if not audience:
        return 0  # nobody to tell (an imported election, say): no links to build
    return _send(
        audience,
        lambda: _("Reviewed: \u201c%(title)s\u201d", title=proposal.shown("title").text),
        "mail/proposal_reviewed.txt",
        proposal=proposal,
        url=_link("proposals.show", proposal_id=proposal.id),
    )


def supports_result(pot: Pot, outcome) -> int:
    """The supports phase has ended: the pot's audience hears which proposals go forward."""
    audience = follows.audience_of_pot(pot)
    if not audience:
        return 0  # nobody to tell (an imported election, say): no links to build
    return _send(
        audience,
        lambda: _("Supports result: %(pot)s", pot=pot.shown("name").text),
        "mail/supports_result.txt",
        pot=pot,
        outcome=outcome,
        url=_link("conversation.supports_outcome", pot_id=pot.id),
    )


def _days_left(pot: Pot, on: date) -> int | None:
    return (pot.voting_closes_on - on).days if pot.voting_closes_on else None


def _in_area(users, pot: Pot):
    return [u for u in users if pot.covers_ward(u.ward_id)]


def voting_opened(pot: Pot) -> int:
    """Voting has opened: the audience living in the pot's area hears, with the days left."""
    audience = _in_area(follows.audience_of_pot(pot), pot)
    if not audience:
        return 0  # nobody to tell (an imported election, say): no links to build
    return _send(
        audience,
        lambda: _("Voting is open: %(pot)s", pot=pot.shown("name").text),
        "mail/voting_opened.txt",
        pot=pot,
        days_left=_days_left(pot, today()),
        url=_link("pots.show", pot_id=pot.id),
    )


def send_reminders(on: date | None = None) -> int:
    """Two days before a pot's planned close, remind its audience in the area who have not
    taken part (once per pot). Run daily (`pb remind`, or the worker's schedule); ``on`` is the
    day it runs for (tests pass a date). Commits nothing: the caller does."""
    on = on or today()
    pots = db.session.scalars(
        select(Pot).where(
            Pot.phase == Phase.VOTING,
            Pot.reminded_at.is_(None),
            Pot.voting_closes_on.is_not(None),
            Pot.voting_closes_on <= on + timedelta(days=REMINDER_DAYS),
            Pot.voting_closes_on >= on,
        )
    )
    reached = 0
    for pot in pots:
        users = [
            u for u in _in_area(follows.audience_of_pot(pot), pot) if taken_part_in(u, pot) is None
        ]
        reached += _send(
            users,
            lambda pot=pot: _("Voting closes soon: %(pot)s", pot=pot.shown("name").text),
            "mail/reminder.txt",
            pot=pot,
            days_left=_days_left(pot, on),
            url=_link("pots.show", pot_id=pot.id),
        )
        pot.reminded_at = utcnow()
    db.session.flush()
    return reached


def results_published(pot: Pot) -> int:
    """The results are published: the pot's audience hears."""
    audience = follows.audience_of_pot(pot)
    if not audience:
        return 0  # nobody to tell (an imported election, say): no links to build
    return _send(
        audience,
        lambda: _("Results published: %(pot)s", pot=pot.shown("name").text),
        "mail/results_published.txt",
        pot=pot,
        url=_link("results.show", pot_id=pot.id),
    )


def delivery_updated(proposal, update) -> int:
    """A funded project has a delivery update: its followers and supporters hear."""
    audience = follows.audience_of_proposal(proposal)
    if not audience:
        return 0  # nobody to tell (an imported election, say): no links to build
    return _send(
        audience,
        lambda: _("Update on \u201c%(title)s\u201d", title=proposal.shown("title").text),
        "mail/delivery_update.txt",
        proposal=proposal,
        update=update,
        url=_link("proposals.show", proposal_id=proposal.id),
    )


def send_digests(now: datetime | None = None) -> int:
    """Send each resident on the weekly digest one mail with the notices kept since the last.
    Returns how many digests were queued. The caller commits."""
    now = now or utcnow()
    waiting: dict[int, list[Notice]] = defaultdict(list)
    for notice in db.session.scalars(
        select(Notice).where(Notice.sent_at.is_(None)).order_by(Notice.id)
    ):
        waiting[notice.user_id].append(notice)
    sent = 0
    for user_id, notices in waiting.items():
        user = db.session.get(User, user_id)
        for notice in notices:
            notice.sent_at = now
        if user is None or user.notify != "weekly" or not user.email_confirmed:
            continue  # they changed their mind since: the notices lapse
        with force_locale(recipient_locale(user)):
            subject = _("Your weekly news from pb")
        queue_mail(
            user.email,
            subject,
            "mail/digest.txt",
            locale=recipient_locale(user),
            user=user,
            notices=notices,
            unsubscribe_url=unsubscribe_url(user),
        )
        sent += 1
    db.session.flush()
    return sent
