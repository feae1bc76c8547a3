"""One transaction per request (pb.transaction): committed at the end, rolled back on any error,
side effects only after the commit."""

import ast
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from pb import transaction
from pb.auth import views as auth_views
from pb.auth.models import User
from pb.extensions import db
from pb.pots.models import PhaseError
from tests.auth.test_accounts import REGISTRATION

PB = Path(__file__).resolve().parents[1] / "pb"


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_a_view_that_raises_after_its_service_leaves_nothing_written(client, outbox, monkeypatch):
    def broken_redirect(*args, **kwargs):
        raise RuntimeError("the view fails after services.register wrote the account")

    monkeypatch.setattr(auth_views, "redirect", broken_redirect)
    with pytest.raises(RuntimeError):
        client.post("/register", data=REGISTRATION)
    assert _user("sam@example.org") is None
    assert outbox.messages == []


def test_the_same_view_commits_when_it_returns(client, outbox):
    assert client.post("/register", data=REGISTRATION).status_code == 302
    assert _user("sam@example.org") is not None
    assert [m.to for m in outbox.messages] == ["sam@example.org"]


def test_no_mail_when_the_commit_fails(client, outbox):
    def refuse(session):
        raise RuntimeError("the database refused the commit")

    event.listen(Session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError, match="refused the commit"):
            client.post("/register", data=REGISTRATION)
    finally:
        event.remove(Session, "before_commit", refuse)
    assert outbox.messages == []
    assert _user("sam@example.org") is None


def test_after_commit_callbacks_wait_for_the_commit_and_are_dropped_on_rollback(app):
    ran = []
    with app.test_request_context():
        transaction.after_commit(lambda: ran.append("kept"))
        assert ran == []
        transaction.commit()
        assert ran == ["kept"]
        transaction.after_commit(lambda: ran.append("dropped"))
        db.session.rollback()
        transaction.commit()
    assert ran == ["kept"]


def test_an_atomic_service_that_fails_undoes_its_own_writes_only(app, world):
    pot = world.voting_pot

    @transaction.atomic
    def rename_then_refuse():
        pot.name = "renamed by a refused service"
        transaction.after_commit(lambda: pytest.fail("a refused service's side effect ran"))
        db.session.flush()
        raise PhaseError("refused")

    original = pot.name
    pot.amount = 123_456  # the request's own work before the service
    with pytest.raises(PhaseError):
        rename_then_refuse()
    transaction.commit()
    db.session.refresh(pot)
    assert (pot.name, pot.amount) == (original, 123_456)


def _calls(tree: ast.AST, names: set[str]) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in names
    ]


def test_no_view_commits_or_rolls_back():
    """The lifecycle is the one place; a view with its own commit() would split it again."""
    offenders = {}
    for path in PB.rglob("*.py"):
        tree = ast.parse(path.read_text())
        has_routes = any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "route"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef)
            for d in node.decorator_list
        )
        if has_routes and (lines := _calls(tree, {"commit", "rollback"})):
            offenders[str(path.relative_to(PB))] = lines
    assert offenders == {}


def test_a_request_commits_for_real_even_after_a_savepoint(tmp_path):
    """Tests share one session with the app, so they would read a write that was never
    committed; here the app has a database of its own and the result is read afresh."""
    from flask_migrate import upgrade

    from pb import create_app
    from pb.proposals.models import Proposal, ProposalStatus
    from tests import factories

    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'own.sqlite3'}",
        INSTANCE_DIR=tmp_path,
        MAIL_OUTBOX=tmp_path / "outbox",
    )
    with app.app_context():
        original = db.session
        db.session = db._make_scoped_session({})  # the app's own, not the test's connection
        try:
            upgrade()
            world = factories.World.build()
            pot = factories.make_pot(world.council, world.north, phase="review")
            proposal_id = factories.make_proposal(pot, status="submitted").id
            email = factories.make_user(roles=[("panel", world.north.id)]).email
            db.session.remove()
            client = app.test_client()
            client.post("/login", data={"email": email, "password": factories.PASSWORD})
            # mark_feasible is @atomic: its savepoint is released before the request commits.
            response = client.post(f"/panel/proposals/{proposal_id}/feasible", data={"cost": "100"})
            assert response.status_code == 303
            db.session.remove()
            assert db.session.get(Proposal, proposal_id).status is ProposalStatus.FEASIBLE
        finally:
            db.session.remove()
            db.session = original
            db.engine.dispose()
