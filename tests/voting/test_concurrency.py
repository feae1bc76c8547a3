"""Racing casts for one voter store exactly one ballot (run on SQLite and PostgreSQL)."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from pb.auth.models import User
from pb.extensions import db
from pb.voting.models import Participation, SealedBallot
from pb.voting.receipts import issue_nonce
from tests.factories import PASSWORD, World, make_user

RACERS = 12


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _race(app, user_email, pot_id, choice, nonces):
    """One client per nonce logs in, then all cast at the same moment.

    Each client works in its own thread, so no request shares the test's app context.
    """
    start = threading.Barrier(len(nonces))

    def cast(nonce):
        client = app.test_client()
        response = client.post("/login", data={"email": user_email, "password": PASSWORD})
        assert response.status_code == 302
        start.wait()
        response = client.post(
            f"/pots/{pot_id}/ballot/cast", data={"choices": [choice], "nonce": nonce}
        )
        page = client.get(response.headers["Location"]).text if response.status_code == 303 else ""
        return response.status_code, re.findall(r"<code>([A-Z2-7-]+)</code>", page)

    with ThreadPoolExecutor(len(nonces)) as pool:
        results = list(pool.map(cast, nonces))
    statuses = [status for status, _ in results]
    receipts = {code for _, codes in results for code in codes}
    return statuses, receipts


def _nonces(app, user_email, pot_id, count):
    """`count` forms' nonces, as the review page issues them to this voter for this pot."""
    user_id = db.session.scalar(select(User.id).where(User.email == user_email))
    db.session.close()  # hold no transaction (on SQLite, no lock) while the racers run
    with app.test_request_context():
        return [issue_nonce(user_id, pot_id) for _ in range(count)]


@pytest.fixture
def committed_world(app):
    world = World.build()
    user = make_user()
    db.session.commit()
    ids = (user.email, world.voting_pot.id, world.on_ballot[0].id)
    db.session.close()  # hold no transaction (on SQLite, no lock) while the racers run
    return ids


@pytest.mark.committing
def test_parallel_different_casts_store_exactly_one_ballot(app, committed_world):
    nonces = _nonces(app, committed_world[0], committed_world[1], RACERS)
    statuses, receipts = _race(app, *committed_world, nonces)
    assert _count(SealedBallot) == 1
    assert _count(Participation) == 1
    assert statuses.count(303) == 1
    assert sorted(set(statuses)) == [303, 409]
    assert len(receipts) == 1


@pytest.mark.committing
def test_parallel_repeats_of_one_form_all_get_the_same_receipt(app, committed_world):
    nonces = _nonces(app, committed_world[0], committed_world[1], 1) * RACERS
    statuses, receipts = _race(app, *committed_world, nonces)
    assert _count(SealedBallot) == 1
    assert statuses == [303] * RACERS
    assert len(receipts) == 1
