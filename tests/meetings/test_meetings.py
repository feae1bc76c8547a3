"""Meetings at community hubs: the panel lists sessions with place, time and access notes; each
has an .ics file and the pot a feed (RFC 5545, escaped and folded by icalendar); officers record
which hub a paper batch came from."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from pb.extensions import db
from pb.meetings.models import Meeting
from pb.paper.models import PaperBatch
from tests.factories import PASSWORD, make_pot, make_user, record_paper_voters

GOOD = {
    "kind": "paper",
    "place": "Hillcrest Library; Room 2, upstairs",
    "address": "1 High Street, Hillcrest",
    "starts_at": "2026-12-05T10:00",
    "ends_at": "2026-12-05T13:30",
    "accessibility": "Step-free entrance, lift to Room 2 and a hearing loop. " * 3,
}


def _as(app, user):
    client = app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


@pytest.fixture
def panel(app, world):
    return _as(app, make_user(roles=[("panel", world.north.id)]))


def _meeting(pot):
    return db.session.scalars(select(Meeting).where(Meeting.pot_id == pot.id)).one()


def test_the_panel_adds_a_meeting_and_residents_see_it(app, world, panel):
    pot = world.voting_pot
    assert panel.post(f"/panel/pots/{pot.id}/meetings", data=GOOD).status_code == 303
    meeting = _meeting(pot)
    # 10:00 in London in December is 10:00 UTC; stored in UTC.
    assert meeting.starts_at.replace(tzinfo=UTC) == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    page = app.test_client().get(f"/pots/{pot.id}/meetings").text
    assert "Hillcrest Library; Room 2, upstairs" in page and "hearing loop" in page
    assert "Saturday 5 December 2026 10:00</time> to 13:30" in page  # the same day: its time
    assert f"/meetings/{meeting.id}.ics" in page and f"/pots/{pot.id}/meetings.ics" in page


def test_summer_times_are_uk_time(app, world, panel):
    data = dict(GOOD, starts_at="2026-07-01T18:00", ends_at="2026-07-01T20:00")
    assert panel.post(f"/panel/pots/{world.voting_pot.id}/meetings", data=data).status_code == 303
    meeting = _meeting(world.voting_pot)
    assert meeting.starts_at.replace(tzinfo=UTC).hour == 17  # BST is UTC+1


def test_the_ics_file_and_the_feed_are_valid_escaped_and_folded(app, world, panel):
    pot = world.voting_pot
    panel.post(f"/panel/pots/{pot.id}/meetings", data=GOOD)
    panel.post(f"/panel/pots/{pot.id}/meetings", data=dict(GOOD, kind="results", place="Town Hall"))
    first = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    one = app.test_client().get(f"/meetings/{first.id}.ics")
    assert one.status_code == 200 and one.mimetype == "text/calendar"
    assert "attachment" in one.headers["Content-Disposition"]
    raw = one.data
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded
    assert b"LOCATION:Hillcrest Library\\; Room 2\\, upstairs\\, 1 High Street\\, Hillcrest" in raw
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["location"]) == "Hillcrest Library; Room 2, upstairs, 1 High Street, Hillcrest"
    assert event.decoded("dtstart") == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert "hearing loop" in str(event["description"])
    feed = Calendar.from_ical(app.test_client().get(f"/pots/{pot.id}/meetings.ics").data)
    assert len(feed.walk("VEVENT")) == 2
    assert len({str(e["uid"]) for e in feed.walk("VEVENT")}) == 2


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(app, world, panel):
    pot = world.voting_pot
    panel.post(f"/panel/pots/{pot.id}/meetings", data=GOOD)
    meeting = _meeting(pot)
    assert panel.post(f"/panel/meetings/{meeting.id}/cancel").status_code == 303
    again = panel.post(f"/panel/meetings/{meeting.id}/cancel")
    assert again.status_code == 409 and "This meeting is already cancelled." in again.text
    (event,) = Calendar.from_ical(app.test_client().get(f"/meetings/{meeting.id}.ics").data).walk(
        "VEVENT"
    )
    assert str(event["status"]) == "CANCELLED"
    assert "Cancelled" in app.test_client().get(f"/pots/{pot.id}/meetings").text


@pytest.mark.parametrize(
    "change",
    [
        {"ends_at": "2026-12-05T09:00"},  # before it starts
        {"ends_at": "2026-12-07T09:00"},  # more than a day
        {"starts_at": "tomorrow"},
        {"starts_at": "2026-13-45T10:00"},
        {"kind": "party"},
        {"place": ""},
        {"place": "x" * 201},
        {"address": " "},
        {"accessibility": "y" * 2001},
    ],
)
def test_bad_meetings_are_refused_and_nothing_is_stored(app, world, panel, change):
    response = panel.post(f"/panel/pots/{world.voting_pot.id}/meetings", data=dict(GOOD, **change))
    assert response.status_code == 422, change
    assert db.session.scalar(select(Meeting)) is None


def test_markup_in_a_meeting_is_shown_as_text(app, world, panel):
    pot = world.voting_pot
    panel.post(f"/panel/pots/{pot.id}/meetings", data=dict(GOOD, place="<script>alert(1)</script>"))
    page = app.test_client().get(f"/pots/{pot.id}/meetings").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_only_the_pots_panel_manages_meetings_and_drafts_stay_hidden(app, world):
    other = _as(app, make_user(roles=[("panel", world.south.id)]))
    assert other.get(f"/panel/pots/{world.voting_pot.id}/meetings").status_code == 403
    assert other.post(f"/panel/pots/{world.voting_pot.id}/meetings", data=GOOD).status_code == 403
    draft = make_pot(world.council, world.north, phase="draft")
    for path in (f"/pots/{draft.id}/meetings", f"/pots/{draft.id}/meetings.ics"):
        assert app.test_client().get(path).status_code == 404


def test_officers_record_and_see_which_hub_a_paper_batch_came_from(app, world, panel):
    pot = world.voting_pot
    panel.post(f"/panel/pots/{pot.id}/meetings", data=GOOD)
    meeting = _meeting(pot)
    elsewhere = make_pot(world.council, world.south, phase="voting")
    foreign = Meeting(
        pot_id=elsewhere.id,
        kind="paper",
        place="South Hall",
        address="2 Road",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        accessibility="",
    )
    db.session.add(foreign)
    db.session.commit()
    officer = _as(app, make_user(roles=[("officer", None)]))
    record_paper_voters(officer, pot, 1)
    form = officer.get(f"/panel/pots/{pot.id}/paper/").text
    assert "Hillcrest Library; Room 2, upstairs, 5 December 2026" in form
    assert "South Hall" not in form
    ballot = str(world.on_ballot[0].id)
    for junk in (str(foreign.id), "999999", "x"):
        refused = officer.post(
            f"/panel/pots/{pot.id}/paper/batches",
            data={"number": "1", "ballots": ballot, "meeting_id": junk},
        )
        assert refused.status_code == 422, junk
    entered = officer.post(
        f"/panel/pots/{pot.id}/paper/batches",
        data={"number": "1", "ballots": ballot, "meeting_id": str(meeting.id)},
    )
    assert entered.status_code == 303
    batch = db.session.scalars(select(PaperBatch).where(PaperBatch.pot_id == pot.id)).one()
    assert batch.meeting_id == meeting.id
    page = officer.get(f"/panel/pots/{pot.id}/paper/batches/1").text
    assert "From the hub: Hillcrest Library; Room 2, upstairs" in page
