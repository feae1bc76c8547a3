"""Meetings of a pot, and their iCalendar files (RFC 5545, by the icalendar package)."""

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from pb.audit.services import record
from pb.extensions import db
from pb.meetings.models import KINDS, Meeting
from pb.timeutil import utcnow


class MeetingError(Exception):
    """A meeting that cannot be added or changed, with the reason."""


def meetings_of(pot, *, cancelled: bool = True) -> list[Meeting]:
    query = select(Meeting).where(Meeting.pot_id == pot.id)
    if not cancelled:
        query = query.where(Meeting.cancelled_at.is_(None))
    return list(db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def add_meeting(pot, actor, *, kind, place, address, starts_at, ends_at, accessibility) -> Meeting:
    """Add a session to the pot's calendar (times are stored in UTC)."""
    if kind not in KINDS:
        raise MeetingError(_("Choose one of the listed kinds."))
    place, address = (place or "").strip(), (address or "").strip()
    if not place or not address:
        raise MeetingError(_("Enter the place and its address."))
    # In UTC: SQLite keeps no offset, so a London time stored as such would shift by an hour.
    starts_at, ends_at = _aware(starts_at).astimezone(UTC), _aware(ends_at).astimezone(UTC)
    if ends_at <= starts_at:
        raise MeetingError(_("The meeting must end after it starts."))
    if ends_at - starts_at > timedelta(hours=24):
        raise MeetingError(_("A meeting lasts at most a day; add one for each day."))
    meeting = Meeting(
        pot_id=pot.id,
        kind=kind,
        place=place.strip(),
        address=address.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        accessibility=(accessibility or "").strip(),
    )
    db.session.add(meeting)
    db.session.flush()
    record("meeting.added", actor=actor, pot=pot, meeting=meeting.id, place=meeting.place)
    return meeting


def cancel_meeting(meeting: Meeting, actor) -> None:
    if meeting.cancelled_at is not None:
        raise MeetingError(_("This meeting is already cancelled."))
    meeting.cancelled_at = utcnow()
    record("meeting.cancelled", actor=actor, pot=meeting.pot, meeting=meeting.id)
    db.session.flush()


def _event(meeting: Meeting, url: str, domain: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{domain}")
    event.add("dtstamp", _aware(meeting.created_at))
    event.add("dtstart", _aware(meeting.starts_at))
    event.add("dtend", _aware(meeting.ends_at))
    event.add("summary", f"{meeting.kind_label}: {meeting.pot.name}")
    event.add("location", f"{meeting.place}, {meeting.address}")
    description = meeting.accessibility
    event.add("description", (description + "\n\n" if description else "") + url)
    event.add("url", url)
    if meeting.cancelled_at is not None:
        event.add("status", "CANCELLED")
    return event


def calendar(meetings: list[Meeting], urls: dict[int, str], domain: str, name: str) -> bytes:
    """An iCalendar file of these meetings (one for a single .ics, all for a pot's feed)."""
    cal = Calendar()
    cal.add("prodid", "-//pb participatory budgeting//meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting, urls[meeting.id], domain))
    return cal.to_ical()
