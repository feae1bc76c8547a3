"""Follow and hear: residents follow pots and proposals and are mailed, in their language, for
each event; one-click unsubscribe; instant, weekly digest or none; the reminder before the
close goes only to followers who have not voted; no mail says anything about a vote."""

import email
import re
from datetime import date, timedelta
from email import policy

from sqlalchemy import select

from pb.conversation import schedule
from pb.conversation.models import Follow, Notice, Support
from pb.extensions import db
from pb.voting.models import Participation
from tests.delivery.test_updates import _update
from tests.factories import PASSWORD, make_pot, make_proposal, make_user
from tests.results.published import published_pot


def _as(app, user):
    client = app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def _mail(app, address):
    """The messages to `address`, as parsed e-mails (headers included)."""
    found = []
    for path in sorted(app.config["MAIL_OUTBOX"].glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def test_following_a_pot_from_its_page_and_stopping_from_the_account(app, world):
    resident = make_user()
    client = _as(app, resident)
    pot = world.proposals_pot
    assert "Follow" in client.get(f"/pots/{pot.id}").text
    assert client.post(f"/pots/{pot.id}/follow").status_code == 303
    assert "Stop following" in client.get(f"/pots/{pot.id}").text
    account = client.get("/account").text
    assert pot.name in account and "A weekly digest" in account
    assert client.post(f"/pots/{pot.id}/follow", data={"action": "stop"}).status_code == 303
    row = db.session.scalar(select(Follow).where(Follow.user_id == resident.id))
    assert row.stopped_at is not None
    assert pot.name not in client.get("/account").text.split("You follow")[1]
    assert app.test_client().post(f"/pots/{pot.id}/follow").status_code == 302  # to log in


def test_a_draft_pot_cannot_be_followed_or_seen(app, world):
    draft = make_pot(world.council, world.north, phase="draft")
    client = _as(app, make_user())
    assert client.post(f"/pots/{draft.id}/follow").status_code == 404
    assert db.session.scalar(select(Follow)) is None


def test_the_proposer_hears_the_review_with_its_reason_and_can_unsubscribe_in_one_click(
    app, world, outbox
):
    proposer = make_user()
    proposal = make_proposal(world.proposals_pot, status="submitted", proposer=proposer)
    panel = _as(app, make_user(roles=[("panel", world.north.id)]))
    response = panel.post(
        f"/panel/proposals/{proposal.id}/not-feasible", data={"note": "The land is private."}
    )
    assert response.status_code == 303
    (message,) = _mail(app, proposer.email)
    body = message.get_content()
    assert message["Subject"] == f"Reviewed: \u201c{proposal.title}\u201d"
    assert "not feasible" in body and "The land is private." in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<https?://[^/]+(/unsubscribe/\S+)>", message["List-Unsubscribe"])
    assert link, message["List-Unsubscribe"]
    path = link.group(1)
    assert path in body
    # Opening the link only asks; the one-click POST (no session, no CSRF token) does it.
    assert "Stop all e-mails" in app.test_client().get(path).text
    db.session.refresh(proposer)
    assert proposer.notify == "instant"
    assert app.test_client().post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.refresh(proposer)
    assert proposer.notify == "none"
    # Now nothing more is sent.
    proposal.status = "submitted"
    db.session.commit()
    again = panel.post(
        f"/panel/proposals/{proposal.id}/not-feasible", data={"note": "Still private."}
    )
    assert again.status_code == 303
    assert len(_mail(app, proposer.email)) == 1


def test_a_forged_unsubscribe_link_changes_nothing(app, world):
    user = make_user()
    for token in ("x", "eyJ1c2VyIjoxfQ.forged.sig", "%00", "a" * 3000):
        response = app.test_client().post(f"/unsubscribe/{token}")
        assert response.status_code in (400, 404), token
    db.session.refresh(user)
    assert user.notify == "instant"


def test_voting_opens_is_mailed_to_followers_in_the_area_with_the_days_left(app, world, outbox):
    pot = make_pot(world.council, world.north, phase="review", voting_closes_on=None)
    make_proposal(pot, status="on_ballot")
    inside, outside = make_user(), make_user(postcode="AB2 2BB")
    for user in (inside, outside):
        _as(app, user).post(f"/pots/{pot.id}/follow")
    panel = _as(app, make_user(roles=[("panel", world.north.id)]))
    from tests.factories import make_key_through

    make_key_through(panel, pot)
    pot.voting_closes_on = date.today() + timedelta(days=10)
    db.session.commit()
    assert (
        panel.post(f"/panel/pots/{pot.id}/phase", data={"action": "open_voting"}).status_code == 303
    )
    (message,) = _mail(app, inside.email)
    assert message["Subject"] == f"Voting is open: {pot.name}"
    assert "There are 10 days left to vote." in message.get_content()
    assert _mail(app, outside.email) == []


def test_the_reminder_goes_two_days_before_the_close_to_followers_who_have_not_voted(
    app, world, outbox
):
    pot = world.voting_pot
    pot.voting_closes_on = date(2026, 12, 10)
    db.session.commit()
    voted, waiting, unconfirmed = make_user(), make_user(), make_user(confirmed=False)
    for user in (voted, waiting, unconfirmed):
        _as(app, user).post(f"/pots/{pot.id}/follow")
    db.session.add(Participation(pot_id=pot.id, user_id=voted.id))
    db.session.commit()

    assert schedule.run_reminders(on=date(2026, 12, 7)) == 0  # three days before: not yet
    assert _mail(app, waiting.email) == []
    assert schedule.run_reminders(on=date(2026, 12, 8)) == 1
    (message,) = _mail(app, waiting.email)
    body = message.get_content()
    assert "closes in 2 days" in body
    assert voted.display_name not in body and voted.email not in body
    assert _mail(app, voted.email) == [] and _mail(app, unconfirmed.email) == []
    assert schedule.run_reminders(on=date(2026, 12, 9)) == 0  # once per pot
    assert len(_mail(app, waiting.email)) == 1


def test_pb_remind_runs_from_the_command_line(app, world):
    pot = world.voting_pot
    pot.voting_closes_on = date(2026, 12, 10)
    db.session.commit()
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from pb.cli import cli

    result = CliRunner().invoke(
        cli, ["remind", "--on", "2026-12-08"], obj=ScriptInfo(create_app=lambda: app)
    )
    assert result.exit_code == 0, result.output
    assert "Reminded 0 residents." in result.output


def test_results_and_delivery_updates_reach_supporters_without_naming_any_vote(app, world, outbox):
    supporter, follower = make_user(), make_user()
    pot, proposals = published_pot(
        world.council,
        world.north,
        {"Garden": 60_000, "Benches": 30_000},
        [["Garden"], ["Benches"], ["Garden"]],
        amount=100_000,
    )
    garden = proposals["Garden"]
    db.session.add(Support(proposal_id=garden.id, user_id=supporter.id))
    db.session.add(
        Follow(user_id=supporter.id, target=f"proposal:{garden.id}", proposal_id=garden.id)
    )
    db.session.add(Follow(user_id=follower.id, target=f"pot:{pot.id}", pot_id=pot.id))
    db.session.commit()
    from pb.conversation import notify

    with app.test_request_context():
        assert notify.results_published(pot) == 2
        db.session.commit()
    assert _mail(app, follower.email)[0]["Subject"] == f"Results published: {pot.name}"
    panel = _as(app, make_user(roles=[("panel", world.north.id)]))
    assert _update(panel, garden, text="Bulbs planted.").status_code == 303
    (update,) = _mail(app, supporter.email)[-1:]
    body = update.get_content()
    assert update["Subject"] == "Update on \u201cGarden\u201d" and "Bulbs planted." in body
    for word in ("you voted", "your vote", "ballot"):
        assert word not in body.lower()
    assert all("Garden" not in m["Subject"] for m in _mail(app, follower.email))


def test_the_weekly_digest_keeps_notices_and_sends_one_mail(app, world, outbox):
    weekly = make_user()
    client = _as(app, weekly)
    assert client.post("/account/notifications", data={"notify": "weekly"}).status_code == 303
    db.session.refresh(weekly)
    assert weekly.notify == "weekly"
    for n in range(2):
        proposal = make_proposal(world.proposals_pot, status="submitted", proposer=weekly)
        panel = _as(app, make_user(roles=[("panel", world.north.id)]))
        done = panel.post(
            f"/panel/proposals/{proposal.id}/not-feasible", data={"note": f"Reason number {n}"}
        )
        assert done.status_code == 303, done.text
    assert _mail(app, weekly.email) == []
    assert len(db.session.scalars(select(Notice)).all()) == 2
    assert schedule.run_digests() == 1
    (digest,) = _mail(app, weekly.email)
    body = digest.get_content()
    assert "Reason number 0" in body and "Reason number 1" in body
    # One greeting and one unsubscribe footer for the whole digest, not one per notice.
    assert body.count(f"Hello {weekly.display_name},") == 1
    assert body.count("Stop all these e-mails") == 1
    assert digest["List-Unsubscribe"]
    assert schedule.run_digests() == 0  # sent once


def test_a_bad_notification_choice_changes_nothing(app, world):
    user = make_user()
    client = _as(app, user)
    for data in ({}, {"notify": "hourly"}, {"notify": "<script>"}, {"notify": ["x", "none"]}):
        assert client.post("/account/notifications", data=data).status_code == 303
    db.session.refresh(user)
    assert user.notify == "instant"


def test_mail_is_written_in_the_recipients_language_when_they_have_one(app):
    from pb.mail import recipient_locale

    class Someone:
        locale = "pl"

    with app.app_context():
        assert recipient_locale(Someone()) == "pl"
        assert recipient_locale(None) == app.config["BABEL_DEFAULT_LOCALE"]
