"""Casting from many processes at once, each with its own app and database connection.

The threads in test_concurrency.py share one interpreter; here every racer is a separate
process (spawned, as separate gunicorn workers would be), so only the database keeps order.
"""

import multiprocessing
import tempfile
import traceback

import pytest
from sqlalchemy import func, select

from pb.audit import chain
from pb.audit.models import ChainEvent
from pb.auth.models import User
from pb.extensions import db
from pb.voting.models import Participation, SealedBallot
from tests.factories import World, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.committing]

PROCESSES = 8


def _racer(url, start, results, job):
    """One process: its own app, then wait for the others and do `job` at the same moment."""
    from pb import create_app
    from pb.auth.models import User
    from pb.panel import services as panel
    from pb.paper import services as paper
    from pb.pots.models import Pot
    from pb.voting import services

    instance = tempfile.mkdtemp()
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=instance, MAIL_OUTBOX=instance
    )
    kind, pot_id, user_id, proposal_id, nonce = job
    with app.test_request_context():  # a refusal's message links to pages
        pot = db.session.get(Pot, pot_id)
        user = db.session.get(User, user_id)
        db.session.rollback()  # hold nothing open while waiting
        start.wait(timeout=120)
        try:
            if kind == "online":
                result = services.cast_ballot(pot, user, [proposal_id], nonce)
                outcome = ("cast", result.receipt)
            elif kind == "close":
                panel.change_phase(pot, "close_voting", make_officer(app))
                outcome = ("closed", None)
            else:
                voter = paper.PaperVoter(
                    name=user.display_name, postcode=user.postcode, date_of_birth=user.date_of_birth
                )
                paper.record_paper_voter(pot, make_officer(app), voter)
                outcome = ("paper", None)
            db.session.commit()
        except services.NotEligible:
            db.session.rollback()
            outcome = ("too late", None)
        except (services.AlreadyVoted, paper.PaperError):
            db.session.rollback()
            outcome = ("refused", None)
        except Exception:
            db.session.rollback()
            outcome = ("error", traceback.format_exc())
        results.put(outcome)
        db.engine.dispose()


def make_officer(app):
    from pb.auth.models import User

    return db.session.scalar(select(User).where(User.email == "officer@example.org"))


def _race(database_url, jobs):
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(jobs))
    results = context.Queue()
    processes = [
        context.Process(target=_racer, args=(database_url, start, results, job)) for job in jobs
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, errors[0]
    return outcomes


@pytest.fixture
def pot_and_voters(app):
    world = World.build()
    voters = [make_user() for _ in range(PROCESSES)]
    make_user(email="officer@example.org", roles=[("admin", None)])
    db.session.commit()
    ids = world.voting_pot.id, [v.id for v in voters], world.on_ballot[0].id
    db.session.close()
    return ids


def _count(model, pot_id):
    return db.session.scalar(select(func.count()).select_from(model).where(model.pot_id == pot_id))


def _check_chain(pot_id) -> int:
    """The pot's chain is one unbroken line: heights 0..n-1, each naming its parent's hash."""
    events = list(
        db.session.scalars(
            select(ChainEvent).where(ChainEvent.pot_id == pot_id).order_by(ChainEvent.height)
        )
    )
    assert [e.height for e in events] == list(range(len(events)))
    parent = chain.GENESIS
    for event in events:
        assert event.parent == parent, event.height
        parent = chain.sha256_hex(event.line())
    return len(events)


def test_one_voter_from_many_processes_stores_one_ballot(database_url, pot_and_voters):
    pot_id, voters, proposal_id = pot_and_voters
    nonces = [f"nonce-{i:02d}-abcdefghijklmnop" for i in range(PROCESSES)]
    jobs = [("online", pot_id, voters[0], proposal_id, nonce) for nonce in nonces]
    outcomes = _race(database_url, jobs)
    assert sorted(kind for kind, _ in outcomes) == ["cast"] + ["refused"] * (PROCESSES - 1)
    assert _count(SealedBallot, pot_id) == 1
    assert _count(Participation, pot_id) == 1
    assert _check_chain(pot_id) == 1


def test_different_voters_from_many_processes_each_store_one(database_url, pot_and_voters):
    pot_id, voters, proposal_id = pot_and_voters
    jobs = [("online", pot_id, v, proposal_id, f"nonce-{v:06d}-abcdefghijklmnop") for v in voters]
    outcomes = _race(database_url, jobs)
    receipts = [receipt for kind, receipt in outcomes if kind == "cast"]
    assert len(set(receipts)) == PROCESSES
    assert _count(SealedBallot, pot_id) == PROCESSES
    assert _count(Participation, pot_id) == PROCESSES
    # Never forked: one event per ballot, in one line.
    assert _check_chain(pot_id) == PROCESSES


def test_paper_and_online_for_one_person_count_once(database_url, pot_and_voters):
    pot_id, voters, proposal_id = pot_and_voters
    jobs = []
    for i in range(PROCESSES):
        kind = "online" if i % 2 else "paper"
        jobs.append((kind, pot_id, voters[0], proposal_id, f"nonce-{i:02d}-abcdefghijklmnop"))
    outcomes = _race(database_url, jobs)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds.count("refused") == PROCESSES - 1
    assert _count(Participation, pot_id) == 1
    online = kinds.count("cast")
    assert _count(SealedBallot, pot_id) == online  # a paper vote's ballot comes later, in a batch


def test_nothing_is_cast_after_the_close(database_url, pot_and_voters):
    """Casts racing the panel's close: each is stored before the close or refused after it,
    and the closing event commits to exactly the ballots stored (issue: one cast was chained
    after voting_closed and counted)."""
    pot_id, voters, proposal_id = pot_and_voters
    jobs = [("online", pot_id, v, proposal_id, f"nonce-{v:06d}-abcdefghijklmnop") for v in voters]
    with db.session.begin():
        officer = db.session.scalar(select(User.id).where(User.email == "officer@example.org"))
    db.session.close()
    jobs[len(jobs) // 2] = ("close", pot_id, officer, proposal_id, "")
    outcomes = _race(database_url, jobs)
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("closed") == 1
    assert set(kinds) <= {"cast", "closed", "too late"}
    types = list(
        db.session.scalars(
            select(ChainEvent.type).where(ChainEvent.pot_id == pot_id).order_by(ChainEvent.height)
        )
    )
    closed_at = types.index("voting_closed")
    assert "ballot_cast" not in types[closed_at + 1 :]
    sealed = _count(SealedBallot, pot_id)
    assert sealed == kinds.count("cast") == types.count("ballot_cast")
    assert _count(Participation, pot_id) == sealed
    counts = {
        "participations": {"online": sealed, "paper": 0},
        "ballots": {"online": sealed, "paper": 0},
    }
    closing = db.session.scalar(
        select(ChainEvent.payload_sha256).where(
            ChainEvent.pot_id == pot_id, ChainEvent.type == "voting_closed"
        )
    )
    assert closing == chain.sha256_hex(chain.canonical(counts))
