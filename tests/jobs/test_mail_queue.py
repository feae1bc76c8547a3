"""All mail goes through the job queue: sent after the commit by a worker, retried, and kept as a
dead letter for an admin to retry or discard when it still fails."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from pb import mail
from pb.extensions import db
from pb.mail import FailedMail, queue_mail, send_mail
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]


def _raw(app, to="a@example.org"):
    with app.test_request_context():
        queue_mail(to, "Hello", "mail/confirm_email.txt", user=None, url="x")
        raw = db.session.info["pb_pending_mail"][-1]
        db.session.info.pop("pb_pending_mail")
    return raw


class _Attempt:
    def __init__(self, retries):
        self.retries = retries


def test_a_failed_attempt_with_retries_left_is_retried_not_kept(app, monkeypatch):
    raw = _raw(app)

    def down(app, message):
        raise OSError("connection refused")

    monkeypatch.setattr(mail, "deliver", down)
    with pytest.raises(OSError):
        send_mail.call_local(raw, task=_Attempt(retries=2))  # Huey retries on the raise
    assert db.session.scalar(select(FailedMail)) is None
    assert send_mail.task_class.default_retries == mail.MAIL_RETRIES >= 3


@pytest.mark.committing
def test_mail_that_keeps_failing_becomes_a_dead_letter_an_admin_retries(app, outbox, monkeypatch):
    admin = make_user(roles=[("admin", None)])
    resident = make_user()
    calls = []

    def down(app, message):
        calls.append(message["To"])
        raise OSError("connection refused")

    monkeypatch.setattr(mail, "deliver", down)
    client = app.test_client()
    # A password reset: its mail is queued in the request and fails at the commit.
    assert client.post("/password/forgot", data={"email": resident.email}).status_code in (
        200,
        302,
        303,
    )
    assert calls == [resident.email] and outbox.messages == []
    failed = db.session.scalars(select(FailedMail)).all()
    assert [(f.to, f.subject, f.resolution) for f in failed] == [
        (resident.email, "Reset your password", None)
    ]
    assert "OSError: connection refused" in failed[0].error

    client.post("/login", data={"email": admin.email, "password": PASSWORD})
    listing = client.get("/panel/mail/")
    assert listing.status_code == 200 and resident.email in listing.text
    assert "/password/reset/" not in listing.text  # the link inside stays out of the page
    monkeypatch.undo()  # the mail server is back
    assert client.post(f"/panel/mail/{failed[0].id}/retry").status_code == 303
    assert outbox.last_to(resident.email).subject == "Reset your password"
    db.session.expire_all()
    assert db.session.get(FailedMail, failed[0].id).resolution == "retried"
    again = client.post(f"/panel/mail/{failed[0].id}/retry")  # once
    assert again.status_code == 409 and "already retried or discarded" in again.text
    assert resident.email not in client.get("/panel/mail/").text


@pytest.mark.committing
def test_an_admin_discards_a_dead_letter_and_others_cannot(app):
    admin, resident = make_user(roles=[("admin", None)]), make_user()
    row = FailedMail(to="x@example.org", subject="S", raw=b"x", error="e", attempts=5)
    db.session.add(row)
    db.session.commit()
    other = app.test_client()
    other.post("/login", data={"email": resident.email, "password": PASSWORD})
    assert other.get("/panel/mail/").status_code == 403
    assert other.post(f"/panel/mail/{row.id}/discard").status_code == 403
    client = app.test_client()
    client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert client.post(f"/panel/mail/{row.id}/discard").status_code == 303
    db.session.expire_all()
    assert db.session.get(FailedMail, row.id).resolution == "discarded"
    assert client.post("/panel/mail/999999/discard").status_code == 404


def test_a_real_worker_sends_the_mail_a_request_queued(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PB_JOBS_IMMEDIATE")}
    env.update(
        PB_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp_path / 'pb.sqlite3'}",
        PB_INSTANCE_PATH=str(tmp_path),
        PB_JOBS_FILE=str(tmp_path / "jobs.sqlite3"),
        MAIL_OUTBOX=str(tmp_path / "outbox"),
    )
    pb = [str(Path(sys.executable).parent / "pb")]
    subprocess.run([*pb, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    request = (
        "from pb import create_app\n"
        "app = create_app()\n"
        "client = app.test_client()\n"
        "page = client.get('/password/forgot')\n"
        "import re\n"
        'token = re.search(r\'name="csrf_token"[^>]*value="([^"]+)"\', page.text).group(1)\n'
        "data = {'email': 'q@example.org', 'csrf_token': token}\n"
        "r = client.post('/password/forgot', data=data)\n"
        "print(r.status_code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", request],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip().splitlines()[-1] in ("200", "302", "303"), done.stdout
    outbox = tmp_path / "outbox"
    assert not list(outbox.glob("*.eml"))  # the request only queued it
    worker = subprocess.Popen(
        [*pb, "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while not list(outbox.glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.2)
        (sent,) = outbox.glob("*.eml")
        assert b"To: q@example.org" in sent.read_bytes()
    finally:
        worker.terminate()
        worker.wait(timeout=10)
