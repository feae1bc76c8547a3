import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.proposals.models import Proposal
from tests.factories import make_proposal, make_user

GOOD = {
    "title": "Trees on Elm Street",
    "summary": "Plant twelve street trees.",
    "description": "Twelve trees along Elm Street, with guards and three years of watering.",
    "cost": "£1,000",
    "category": "environment",
}


def _proposals():
    return list(db.session.scalars(select(Proposal).where(Proposal.title == GOOD["title"])))


def test_a_resident_proposes_a_project(client, login, world):
    user = make_user()
    login(user)
    pot = world.proposals_pot
    assert client.get(f"/pots/{pot.id}/proposals/new").status_code == 200
    response = client.post(f"/pots/{pot.id}/proposals/new", data=GOOD)
    assert response.status_code == 303
    (proposal,) = _proposals()
    assert proposal.cost == 100000
    assert proposal.proposer_id == user.id
    assert proposal.status == "submitted"
    page = client.get(response.headers["Location"])
    assert "£1,000" in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Tree", "The title must be 5 to 120 characters long."),
        ("title", "x" * 121, "The title must be 5 to 120 characters long."),
        ("cost", "0", "The cost must be more than £0."),
        ("cost", "-5", "“-5” is less than zero: enter an amount like 1,500."),
        (
            "cost",
            "12.345",
            "“12.345” is not an amount in British pounds: enter at most 2 decimals, like 1,500.",
        ),
        ("cost", "", "Enter what the project will cost."),
        ("cost", "1000.01", "The cost cannot be more than the whole pot, £1,000."),
        ("cost", "ten pounds", "“ten pounds” is not an amount in British pounds"),
        ("summary", "short", "The summary must be 10 to 300 characters long."),
        ("description", "x" * 5001, "The description must be 20 to 5,000 characters."),
        ("category", "space-programme", "Choose a category"),
    ],
)
def test_bad_proposals_are_refused_field_by_field(client, login, world, field, value, message):
    login(make_user())
    response = client.post(
        f"/pots/{world.proposals_pot.id}/proposals/new", data={**GOOD, field: value}
    )
    assert response.status_code == 422
    assert message in response.text
    assert _proposals() == []


def test_proposing_needs_the_proposal_phase(client, login, world):
    login(make_user())
    response = client.post(f"/pots/{world.voting_pot.id}/proposals/new", data=GOOD)
    assert response.status_code == 409
    assert _proposals() == []


def test_proposing_needs_a_confirmed_resident_of_the_area(client, login, world):
    login(make_user(postcode="AB2 2BB"))
    response = client.post(f"/pots/{world.proposals_pot.id}/proposals/new", data=GOOD)
    assert response.status_code == 403
    assert "Live in North" in response.text
    assert _proposals() == []


def test_the_proposer_can_edit_until_review_starts(client, login, world):
    user = make_user()
    login(user)
    proposal = make_proposal(world.proposals_pot, proposer=user, status="submitted")
    edit = f"/proposals/{proposal.id}/edit"
    assert client.post(edit, data={**GOOD, "cost": "500"}).status_code == 303
    assert proposal.cost == 50000 and proposal.title == GOOD["title"]

    world.proposals_pot.start_review()
    db.session.flush()
    response = client.post(edit, data={**GOOD, "cost": "600"})
    assert response.status_code == 409
    assert proposal.cost == 50000


def test_only_the_proposer_can_edit(client, login, world):
    proposal = make_proposal(world.proposals_pot, proposer=make_user(), status="submitted")
    login(make_user())
    assert client.post(f"/proposals/{proposal.id}/edit", data=GOOD).status_code == 403


def test_list_filters_by_category_and_searches_words(client, world):
    pot = world.proposals_pot
    make_proposal(pot, title="Bike racks by the station", category="transport", status="submitted")
    make_proposal(
        pot,
        title="Wildflower verges",
        category="environment",
        status="submitted",
        description="Sow native wildflowers on the verges of the ring road.",
    )
    make_proposal(pot, title="100% recycled benches", category="community", status="submitted")

    def titles(query):
        text = client.get(f"/pots/{pot.id}/proposals{query}").text
        return sorted(t for t in ["Bike racks", "Wildflower", "100% recycled"] if t in text)

    assert titles("") == ["100% recycled", "Bike racks", "Wildflower"]
    assert titles("?category=transport") == ["Bike racks"]
    assert titles("?q=ring+road") == ["Wildflower"]
    assert titles("?q=%25") == ["100% recycled"]  # % is a character, not a wildcard
    assert titles("?category=nonsense") == ["100% recycled", "Bike racks", "Wildflower"]


def test_unknown_proposal_is_404(client):
    assert client.get("/proposals/424242").status_code == 404
    assert client.get("/pots/424242/proposals").status_code == 404
