import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, inspect, select

from pb.audit.models import AuditEvent, ChainEvent
from pb.extensions import db
from pb.voting import services
from pb.voting.models import Ballot, Participation, SealedBallot
from pb.voting.receipts import ballot_id_for, issue_nonce, receipt_hash
from pb.voting.sealing import private_key_for, unseal
from tests.factories import BALLOT_KEY, make_user

RECEIPT = re.compile(r"<code>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})</code>")


def _count(model, **where):
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _review(client, pot, choices):
    response = client.post(
        f"/pots/{pot.id}/ballot", data={"choices": choices}, follow_redirects=True
    )
    nonce = re.search(r'name="nonce" value="([^"]+)"', response.text)
    return response, nonce.group(1) if nonce else None


def _cast(client, pot, choices, nonce):
    return client.post(f"/pots/{pot.id}/ballot/cast", data={"choices": choices, "nonce": nonce})


def test_review_then_cast_stores_participation_and_sealed_ballot(client, login, world):
    pot = world.voting_pot
    alpha, bravo, _ = world.on_ballot
    user = make_user()
    login(user)

    response, nonce = _review(client, pot, [bravo.id, alpha.id])
    assert response.status_code == 200
    assert "Check your choices" in response.text
    assert "£800" in response.text  # 300 + 500 pounds
    assert _count(SealedBallot) == 0  # reviewing stores nothing

    response = _cast(client, pot, [bravo.id, alpha.id], nonce)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "Your vote is recorded" in page.text
    code = RECEIPT.search(page.text).group(1)

    # Only the sealed envelope is stored; it opens with the pot's key to this ballot.
    assert _count(Ballot) == 0
    sealed = db.session.scalar(select(SealedBallot))
    assert sealed.receipt_sha256 == receipt_hash(code)
    key = private_key_for(pot, BALLOT_KEY.codes)
    assert unseal(key, sealed.sealed) == (ballot_id_for(code), sorted([alpha.id, bravo.id]))
    assert _count(Participation, pot_id=pot.id, user_id=user.id) == 1
    # Nothing in the audit log about the cast; the chain event has no clock time.
    assert _count(AuditEvent, type="ballot.cast") == 0
    cast_event = db.session.scalar(select(ChainEvent).where(ChainEvent.type == "ballot_cast"))
    assert cast_event.payload_sha256 == sealed.receipt_sha256
    assert cast_event.at is None and '"at"' not in cast_event.line()

    # Shown once: reloading the page does not show the code again.
    again = client.get(response.headers["Location"])
    assert "Your vote is recorded" in again.text
    assert code not in again.text


def test_the_stored_ballot_cannot_name_its_voter_nor_a_time():
    assert {c.key for c in inspect(Ballot).columns} == {"id", "pot_id", "channel", "choices"}
    assert {c.key for c in inspect(SealedBallot).columns} == {
        "id",
        "pot_id",
        "receipt_sha256",
        "sealed",
        "tag",
    }
    for model in (Ballot, SealedBallot):
        assert all(fk.column.table.name != "users" for fk in model.__table__.foreign_keys)


def test_the_receipt_has_at_least_128_bits(app):
    with app.test_request_context():
        from pb.voting.receipts import new_nonce, normalise, receipt_for

        codes = {normalise(receipt_for(new_nonce())) for _ in range(50)}
    assert len(codes) == 50
    assert all(len(code) * 5 >= 128 for code in codes)


def test_a_repeated_submit_answers_with_the_first_result(client, login, world):
    pot = world.voting_pot
    login(make_user())
    choice = [world.on_ballot[0].id]
    _, nonce = _review(client, pot, choice)
    first = _cast(client, pot, choice, nonce)
    code = RECEIPT.search(client.get(first.headers["Location"]).text).group(1)

    # Double click / back button: the same form arrives again.
    second = _cast(client, pot, choice, nonce)
    assert second.status_code == 303
    assert code in client.get(second.headers["Location"]).text
    assert _count(SealedBallot) == 1


def test_a_second_different_ballot_is_refused(client, login, world):
    pot = world.voting_pot
    user = make_user()
    login(user)
    _, nonce = _review(client, pot, [world.on_ballot[0].id])
    _cast(client, pot, [world.on_ballot[0].id], nonce)
    response = _cast(client, pot, [world.on_ballot[1].id], issue_nonce(user.id, pot.id))
    assert response.status_code == 409
    assert "already voted" in response.text
    assert _count(SealedBallot) == 1


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda w: [], "Choose at least 1 project."),
        (lambda w: [p.id for p in w.on_ballot], "Choose no more than 2 projects."),
        (lambda w: [999_999], "Choose only projects that are on this ballot."),
    ],
)
def test_invalid_choices_are_refused_with_a_message(client, login, world, pick, message):
    user = make_user()
    login(user)
    response, _ = _review(client, world.voting_pot, pick(world))
    assert response.status_code == 422
    assert message in response.text
    response = _cast(
        client, world.voting_pot, pick(world), issue_nonce(user.id, world.voting_pot.id)
    )
    assert response.status_code == 422
    assert _count(SealedBallot) == _count(Participation) == 0


def test_a_choice_that_is_not_a_number_is_a_clear_error(client, login, world):
    login(make_user())
    response = client.post(f"/pots/{world.voting_pot.id}/ballot", data={"choices": ["x"]})
    assert response.status_code == 422


def test_a_cast_without_a_nonce_stores_nothing(client, login, world):
    login(make_user())
    response = client.post(
        f"/pots/{world.voting_pot.id}/ballot/cast", data={"choices": [world.on_ballot[0].id]}
    )
    assert response.status_code == 400
    assert _count(SealedBallot) == 0


def test_nothing_is_half_written_when_the_ballot_insert_fails(app, world, monkeypatch):
    """If storing the ballot fails after the participation, neither is kept."""
    user = make_user()

    def failing_append(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(services.chain, "append", failing_append)
        with app.test_request_context(), pytest.raises(RuntimeError):
            services.cast_ballot(world.voting_pot, user, [world.on_ballot[0].id], "n" * 20)
        db.session.rollback()
    assert _count(Participation) == _count(SealedBallot) == 0


def test_check_my_receipt(client, login, world):
    pot = world.voting_pot
    login(make_user())
    _, nonce = _review(client, pot, [world.on_ballot[0].id])
    response = _cast(client, pot, [world.on_ballot[0].id], nonce)
    code = RECEIPT.search(client.get(response.headers["Location"]).text).group(1)
    client.post("/logout")

    found = client.post("/receipts/check", data={"code": code.lower().replace("-", " ")})
    assert found.status_code == 200
    assert f"is recorded in <strong>{pot.name}</strong>" in found.text
    assert "Alpha garden" not in found.text  # nothing more than that

    other = "A" * 32
    missing = client.post("/receipts/check", data={"code": other})
    assert missing.status_code == 404
    assert "No ballot is recorded with this receipt" in missing.text

    bad = client.post("/receipts/check", data={"code": "hello"})
    assert bad.status_code == 422
    assert "32 letters and digits" in bad.text


@contextmanager
def _statements():
    """The SELECT/INSERT/UPDATE/DELETE statements sent while the block runs."""
    sent = []

    def note(connection, cursor, statement, *args):
        if statement.lstrip().split(None, 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}:
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_a_ballot_takes_few_statements(client, login, world):
    # Casting is the busiest path at peak; each statement is a round trip to the database.
    # Budgets: user (with roles and ward), pot (with council), participation, proposals;
    # the cast adds its four inserts and the chain head's lock and read.
    pot = world.voting_pot
    login(make_user())
    with _statements() as ballot_page:
        assert client.get(f"/pots/{pot.id}/ballot").status_code == 200
    with _statements() as review:
        _, nonce = _review(client, pot, [world.on_ballot[0].id])
    with _statements() as cast:
        response = _cast(client, pot, [world.on_ballot[0].id], nonce)
    with _statements() as receipt:
        assert client.get(response.headers["Location"]).status_code == 200
    # The ballot page and the cast also look for a paper vote by the same person (a near match
    # the unique keys cannot see); the cast locks the pot and writes no audit event.
    # The review step is two requests since it became post/redirect/get (the POST checks the
    # ballot, the GET shows it); each checks eligibility as the one request did, so 2 x 4.
    budget = {"ballot page": 5, "review": 8, "cast": 10, "receipt": 2}
    sent = {"ballot page": ballot_page, "review": review, "cast": cast, "receipt": receipt}
    over = {step: statements for step, statements in sent.items() if len(statements) > budget[step]}
    assert not over, over


def test_the_review_step_is_post_redirect_get(client, login, world):
    """Back and reload on the review page show it again (a GET), never "resubmit the form?",
    and the kept draft cannot become a second vote."""
    pot = world.voting_pot
    alpha, bravo, _ = world.on_ballot
    login(make_user())
    posted = client.post(f"/pots/{pot.id}/ballot", data={"choices": [alpha.id]})
    assert posted.status_code == 303
    assert posted.headers["Location"].endswith(f"/pots/{pot.id}/ballot/review")
    first = client.get(f"/pots/{pot.id}/ballot/review")
    again = client.get(f"/pots/{pot.id}/ballot/review")  # a reload
    assert first.status_code == again.status_code == 200
    assert "Check your choices" in again.text and alpha.title in again.text
    assert bravo.title not in again.text
    assert again.headers["Cache-Control"] == "no-store"
    assert _count(SealedBallot) == 0  # reviewing stores nothing
    nonce = re.search(r'name="nonce" value="([^"]+)"', again.text).group(1)
    assert _cast(client, pot, [alpha.id], nonce).status_code == 303
    # After the cast the draft is gone: the review page sends the voter back to the ballot,
    # and a nonce from it could not cast again (the participation is already recorded).
    after = client.get(f"/pots/{pot.id}/ballot/review")
    assert after.status_code in (302, 303, 403, 409)
    assert _count(SealedBallot) == 1


def test_the_review_page_without_a_draft_goes_back_to_the_ballot(client, login, world):
    login(make_user())
    response = client.get(f"/pots/{world.voting_pot.id}/ballot/review")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pots/{world.voting_pot.id}/ballot")
