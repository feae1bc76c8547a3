import pytest
from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.extensions import db
from pb.pots.models import PhaseError
from tests.factories import make_key_through, make_pot, make_proposal, make_user


def test_residents_get_403_on_panel_pages(client, login, world):
    login(make_user())
    assert client.get("/panel/").status_code == 403
    assert client.get(f"/panel/pots/{world.voting_pot.id}").status_code == 403
    response = client.post(
        f"/panel/pots/{world.voting_pot.id}/phase", data={"action": "close_voting"}
    )
    assert response.status_code == 403
    assert world.voting_pot.phase == "voting"


def test_a_panel_member_only_manages_their_wards(client, login, world):
    login(make_user(roles=[("panel", world.south.id)]))
    assert client.get(f"/panel/pots/{world.voting_pot.id}").status_code == 403
    assert client.get("/panel/").status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get("/panel/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_phase_changes_are_guarded_and_audited(client, login, world):
    panel = make_user(roles=[("panel", world.north.id)])
    login(panel)
    pot = make_pot(world.council, world.north, phase="draft")
    url = f"/panel/pots/{pot.id}/phase"

    assert client.post(url, data={"action": "open_voting"}).status_code == 409
    assert client.post(url, data={"action": "open_proposals"}).status_code == 303
    assert client.post(url, data={"action": "start_review"}).status_code == 303
    response = client.post(url, data={"action": "open_voting"})
    assert response.status_code == 409
    assert "Make the ballot key" in response.text
    make_key_through(client, pot)
    response = client.post(url, data={"action": "open_voting"})
    assert response.status_code == 409
    assert "Voting cannot open with no proposal on the ballot." in response.text
    proposal = make_proposal(pot, status="feasible")
    assert (
        client.post(f"/panel/proposals/{proposal.id}/ballot", data={"on_ballot": "1"}).status_code
        == 303
    )
    assert proposal.status == "on_ballot"
    assert client.post(url, data={"action": "open_voting"}).status_code == 303
    assert client.post(url, data={"action": "close_voting"}).status_code == 303
    assert pot.phase == "closed"
    assert client.post(url, data={"action": "delete_everything"}).status_code == 400

    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.type == "pot.phase_changed", AuditEvent.pot_id == pot.id
        )
    ).all()
    assert [(e.payload["before"], e.payload["after"]) for e in events] == [
        ("draft", "proposals"),
        ("proposals", "review"),
        ("review", "voting"),
        ("voting", "closed"),
    ]
    assert {e.actor_id for e in events} == {panel.id}


def test_results_cannot_be_published_before_the_tally(world):
    world.voting_pot.close_voting()
    with pytest.raises(PhaseError, match="before the tally"):
        world.voting_pot.publish(tallied=False)
    world.voting_pot.publish(tallied=True)
    assert world.voting_pot.phase == "published"


def test_the_audit_log_is_append_only(world):
    from pb.audit.models import AppendOnlyError
    from pb.audit.services import record

    entry = record("test.event", pot=world.voting_pot)
    db.session.flush()
    entry.type = "changed"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
