import re

from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.auth.models import RoleGrant
from pb.extensions import db
from tests.factories import make_pot, make_proposal, make_user


def _review_pot(world):
    return make_pot(world.council, world.north, phase="review")


def test_a_cost_change_needs_a_reason_shown_publicly(client, login, world):
    pot = _review_pot(world)
    proposal = make_proposal(pot, cost=40_000, status="submitted")
    login(make_user(roles=[("panel", world.north.id)]))
    url = f"/panel/proposals/{proposal.id}/feasible"
    response = client.post(url, data={"cost": "500"})
    assert response.status_code == 409
    assert "Give the reason for changing the cost" in response.text
    assert proposal.status == "submitted"
    assert (
        client.post(url, data={"cost": "500", "note": "Quote from the supplier."}).status_code
        == 303
    )
    assert (proposal.cost, proposal.proposed_cost, proposal.status) == (50_000, 40_000, "feasible")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "Quote from the supplier." in page and "proposed at £400" in page


def test_not_feasible_needs_a_reason_and_tells_the_proposer(client, login, world, outbox):
    pot = _review_pot(world)
    proposer = make_user(email="ideas@example.org")
    proposal = make_proposal(pot, status="submitted", proposer=proposer)
    login(make_user(roles=[("panel", world.north.id)]))
    url = f"/panel/proposals/{proposal.id}/not-feasible"
    assert client.post(url, data={"note": "no"}).status_code == 422
    assert outbox.messages == []
    assert client.post(url, data={"note": "The land belongs to the railway."}).status_code == 303
    assert "The land belongs to the railway." in outbox.last_to("ideas@example.org").body
    assert "The land belongs to the railway." in client.get(f"/proposals/{proposal.id}").text


def test_merge_and_the_ballot_take_only_reviewed_proposals(client, login, world):
    pot = _review_pot(world)
    keep = make_proposal(pot, status="feasible", title="Keep this one")
    duplicate = make_proposal(pot, status="submitted")
    login(make_user(roles=[("panel", world.north.id)]))
    assert (
        client.post(f"/panel/proposals/{duplicate.id}/ballot", data={"on_ballot": "1"}).status_code
        == 409
    )
    # Irreversible: nothing pre-selected, and refused without the confirmation box.
    page = client.get(f"/panel/proposals/{duplicate.id}/review").text
    options = re.search(r'<select[^>]*id="into"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert options.startswith('<option value="">Choose a proposal</option>')
    assert "selected" not in options
    unconfirmed = client.post(f"/panel/proposals/{duplicate.id}/merge", data={"into": str(keep.id)})
    assert unconfirmed.status_code == 422 and "cannot be undone" in unconfirmed.text
    assert duplicate.status == "submitted"
    unchosen = client.post(f"/panel/proposals/{duplicate.id}/merge", data={"confirm": "y"})
    assert unchosen.status_code == 422
    assert "Choose the proposal to merge this one into." in unchosen.text
    assert (
        client.post(
            f"/panel/proposals/{duplicate.id}/merge", data={"into": str(keep.id), "confirm": "y"}
        ).status_code
        == 303
    )
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", keep.id)
    assert "Keep this one" in client.get(f"/proposals/{duplicate.id}").text
    assert (
        client.post(f"/panel/proposals/{keep.id}/ballot", data={"on_ballot": "1"}).status_code
        == 303
    )
    assert keep.status == "on_ballot"
    types = db.session.scalars(select(AuditEvent.type).where(AuditEvent.pot_id == pot.id)).all()
    assert "proposal.merged" in types and "proposal.ballot_changed" in types


def test_review_is_closed_once_voting_opens(client, login, world):
    proposal = world.on_ballot[0]
    login(make_user(roles=[("panel", world.north.id)]))
    response = client.post(
        f"/panel/proposals/{proposal.id}/not-feasible", data={"note": "Too late for this now."}
    )
    assert response.status_code == 409
    assert proposal.status == "on_ballot"


def test_an_officer_for_one_pot_cannot_run_paper_voting_in_another(client, login, world):
    other = make_pot(world.council, world.south, phase="voting")
    login(make_officer(world.voting_pot))
    assert client.get(f"/panel/pots/{world.voting_pot.id}/paper/").status_code == 200
    assert client.get(f"/panel/pots/{other.id}/paper/").status_code == 403


def make_officer(pot):
    user = make_user()
    user.roles.append(RoleGrant(role="officer", pot_id=pot.id))
    db.session.commit()
    return user
