"""GET /api/v1/pots/<id>/proposals: public facts about each proposal, nothing about people."""

import re

from pb.extensions import db
from tests.factories import make_pot, make_proposal, make_user

PROPOSALS = "/api/v1/pots/{pot_id}/proposals"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def test_every_proposal_of_the_pot_with_its_review_and_delivery(client, contract, published):
    alpha = published.alpha
    alpha.delivery_status, alpha.delivery_progress = "in_progress", 40
    merged = make_proposal(
        published.pot, status="merged", merged_into_id=published.crossing.id, cost=12_345
    )
    db.session.commit()
    body = contract.check(client.get(f"/api/v1/pots/{published.pot.id}/proposals"), PROPOSALS)
    assert (body["pot_id"], body["currency"]) == (published.pot.id, "GBP")
    by_id = {p["id"]: p for p in body["proposals"]}
    assert set(by_id) == {
        alpha.id,
        published.benches.id,
        published.crossing.id,
        published.not_feasible.id,
        merged.id,
    }
    assert by_id[alpha.id]["cost_minor"] == 60_000
    assert by_id[alpha.id]["title"] == "Alpha garden"
    assert by_id[alpha.id]["delivery"] == {"status": "in_progress", "progress": 40}
    assert by_id[published.benches.id]["delivery"] is None
    assert by_id[published.not_feasible.id]["status"] == "not_feasible"
    assert by_id[published.not_feasible.id]["review_note"] == "The council has no rockets."
    assert by_id[merged.id]["merged_into"] == published.crossing.id
    assert by_id[merged.id]["cost_minor"] == 12_345
    assert by_id[alpha.id]["links"]["html"].endswith(f"/proposals/{alpha.id}")


def test_no_personal_data_about_proposers(client, contract, world):
    proposer = make_user(email="jo.bloggs@example.org", display_name="Jo Bloggs")
    pot = make_pot(world.council, world.south, phase="proposals")
    make_proposal(pot, proposer=proposer, title="Jo's community fridge")
    response = client.get(f"/api/v1/pots/{pot.id}/proposals")
    contract.check(response, PROPOSALS)
    assert EMAIL.search(response.text) is None
    assert "Bloggs" not in response.text
    assert all(
        not key.startswith("proposer") for p in response.get_json()["proposals"] for key in p
    )


def test_a_pot_with_no_proposals_yet(client, contract, world):
    body = contract.check(client.get(f"/api/v1/pots/{world.proposals_pot.id}/proposals"), PROPOSALS)
    assert body["proposals"] == []
