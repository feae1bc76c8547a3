"""A gunicorn worker killed mid-burst loses no acknowledged ballot and leaves no orphan.

The app is served by gunicorn on its own fresh PostgreSQL database; threads cast over HTTP
while one worker is sent SIGKILL (gunicorn starts another).
"""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from pb import create_app
from pb.extensions import db
from pb.voting.models import Participation, SealedBallot
from pb.voting.services import find_receipt
from tests.factories import PASSWORD, World, make_user
from tests.served import Browser, fresh_database, gunicorn, worker_pids

pytestmark = [pytest.mark.postgres, pytest.mark.committing]

VOTERS = 60
CLIENTS = 16
KILL_AFTER = 10  # casts answered before the kill


def test_killing_a_worker_mid_burst_loses_no_acknowledged_ballot(database_url, tmp_path):
    with fresh_database(database_url, f"pb_kill_{os.getpid()}") as url:
        seed = create_app(
            "test", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=tmp_path, MAIL_OUTBOX=tmp_path
        )
        with seed.app_context():
            upgrade()
            world = World.build()
            emails = [make_user().email for _ in range(VOTERS)]
            pot_id, choice = world.voting_pot.id, world.on_ballot[0].id
            db.session.close()
        try:
            with gunicorn(url, tmp_path) as (base, master):
                outcomes = _burst(base, master, emails, pot_id, choice)
            _check(seed, pot_id, outcomes)
        finally:
            with seed.app_context():
                db.engine.dispose()


def _burst(base, master, emails, pot_id, choice):
    browsers = [Browser(base) for _ in emails]
    with ThreadPoolExecutor(CLIENTS) as pool:  # argon2 is slow: log in before the burst
        list(pool.map(Browser.log_in, browsers, emails, [PASSWORD] * len(emails)))
        nonces = list(pool.map(lambda b: b.review(pot_id, [choice]), browsers))

    before = set(worker_pids(master))
    answered = threading.Semaphore(0)
    killed = []

    def killer():
        for _ in range(KILL_AFTER):
            answered.acquire(timeout=60)
        victim = sorted(before)[0]
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)

    def cast(n):
        nonce = nonces[n]
        try:
            status, receipt = browsers[n].cast(pot_id, [choice], nonce)
        except OSError:  # the worker died with this request on it
            status, receipt = None, None
        answered.release()
        return n, nonce, status, receipt

    watcher = threading.Thread(target=killer)
    watcher.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        first = list(pool.map(cast, range(len(emails))))
    watcher.join()
    assert killed, "no worker was killed"

    # gunicorn replaced the dead worker and the site answers again.
    deadline = time.monotonic() + 30
    while killed[0] in worker_pids(master) or len(worker_pids(master)) < len(before):
        assert time.monotonic() < deadline, "gunicorn did not replace the worker"
        time.sleep(0.2)

    # Whoever saw an error tries again with the same form: they get their ballot's receipt,
    # whether or not the first attempt was stored, and never a second ballot.
    retried = []
    for n, nonce, status, receipt in first:
        if status != 200 or receipt is None:
            status, receipt = browsers[n].cast(pot_id, [choice], nonce)
            retried.append(n)
        assert status == 200 and receipt, (n, status)
    print(
        f"kill test: {len(retried)} of {len(emails)} casts failed around the kill and were retried"
    )
    return [(receipt, status) for _, _, status, receipt in first if status == 200], len(emails)


def _check(seed, pot_id, outcomes):
    acknowledged, voters = outcomes
    with seed.app_context():
        for receipt, _ in acknowledged:
            assert find_receipt(receipt) is not None, receipt
        ballots = db.session.scalar(
            select(func.count()).select_from(SealedBallot).where(SealedBallot.pot_id == pot_id)
        )
        participations = db.session.scalar(
            select(func.count()).select_from(Participation).where(Participation.pot_id == pot_id)
        )
        assert ballots == participations == voters
        db.session.close()
