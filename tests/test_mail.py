import smtplib

import pytest
from sqlalchemy import select

from pb.auth.models import User
from pb.extensions import db
from pb.mail import queue_mail
from tests.factories import make_user


def test_mail_waits_for_the_commit(app, outbox):
    with app.test_request_context():
        queue_mail("a@example.org", "Hello", "mail/confirm_email.txt", user=None, url="x")
        assert outbox.messages == []
        db.session.commit()
    assert [m.subject for m in outbox.messages] == ["Hello"]


def test_mail_is_dropped_when_the_transaction_rolls_back(app, outbox):
    with app.test_request_context():
        queue_mail("a@example.org", "Hello", "mail/confirm_email.txt", user=None, url="x")
        db.session.rollback()
        db.session.commit()
    assert outbox.messages == []


def test_smtp_is_used_when_configured(app, outbox, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"]))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "pb")
    with app.test_request_context():
        queue_mail("b@example.org", "Hi", "mail/confirm_email.txt", user=None, url="x")
        db.session.commit()
    assert sent == [
        ("connect", "smtp.example.org", 587),
        ("starttls",),
        ("login", "pb"),
        ("send", "b@example.org"),
    ]
    assert outbox.messages == []


@pytest.mark.parametrize("failure", [OSError("no route"), smtplib.SMTPException("refused")])
def test_a_failed_send_does_not_undo_the_commit(app, outbox, monkeypatch, failure):
    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(smtplib, "SMTP", broken)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    with app.test_request_context():
        user = make_user(email="before@example.org", confirmed=False)
        user.display_name = "Changed with the mail"
        queue_mail("c@example.org", "Hi", "mail/confirm_email.txt", user=None, url="x")
        db.session.commit()  # does not raise
        db.session.rollback()  # whatever the failed send left, the change is stored
        stored = db.session.scalar(select(User.display_name).where(User.id == user.id))
    assert stored == "Changed with the mail"
    assert outbox.messages == []  # and nothing pretends it was sent


def test_mail_carries_the_councils_name_and_website(client, world, outbox):
    world.council.website_url = "https://www.testshire.example.gov.uk"
    db.session.commit()
    client.post(
        "/register",
        data={
            "email": "new.resident@example.org",
            "display_name": "New Resident",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
            "postcode": "AB1 1AA",
            "date_of_birth": "1990-01-01",
        },
    )
    body = outbox.last_to("new.resident@example.org").body
    assert "Testshire Council's participatory budgeting" in body
    assert body.rstrip().endswith("Testshire Council\nhttps://www.testshire.example.gov.uk")
