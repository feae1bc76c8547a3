"""Ward panels set up pots for their own wards (as the README says); the area list offers only
the council's own wards."""

import re

from sqlalchemy import select

from pb.councils.models import Council, Ward
from pb.extensions import db
from pb.pots.models import Pot
from tests.factories import make_user

FORM = {
    "name": "North parks 2027",
    "amount": "1,000",
    "year": "2027",
    "ballot_method": "approval",
    "min_picks": "1",
    "rule": "greedy",
    "eligibility_mode": "open",
}


def _areas(page: str) -> list[str]:
    select_box = re.search(r'<select[^>]*id="ward_id"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r">([^<]+)</option>", select_box)


def test_a_ward_panel_sets_up_a_pot_for_its_ward_only(client, login, world):
    other = Council(name="Elsewhere", currency="GBP")
    db.session.add(other)
    db.session.flush()
    db.session.add(Ward(council_id=other.id, name="Faraway", code="E05099999", population=10))
    db.session.commit()
    login(make_user(roles=[("panel", world.north.id)]))
    page = client.get("/panel/pots/new")
    assert page.status_code == 200
    assert _areas(page.text) == ["North"]  # not South (another panel's), not Faraway
    done = client.post("/panel/pots/new", data={**FORM, "ward_id": str(world.north.id)})
    assert done.status_code == 303
    pot = db.session.scalar(select(Pot).where(Pot.name == "North parks 2027"))
    assert (pot.ward_id, pot.phase) == (world.north.id, "draft")


def test_a_ward_panel_cannot_set_up_a_pot_elsewhere(client, login, world):
    login(make_user(roles=[("panel", world.north.id)]))
    for ward_id in (str(world.south.id), ""):  # another ward; council-wide
        refused = client.post("/panel/pots/new", data={**FORM, "ward_id": ward_id})
        assert refused.status_code == 422
    assert db.session.scalar(select(Pot).where(Pot.name == "North parks 2027")) is None


def test_a_panel_cannot_pick_its_own_round(client, login, world):
    login(make_user(roles=[("panel", world.north.id)]))
    data = {**FORM, "ward_id": str(world.north.id), "round_name": "North only"}
    refused = client.post("/panel/pots/new", data=data)
    assert refused.status_code == 422
    assert "Only the council&#39;s admin can put a pot in the round" in refused.text
    assert db.session.scalar(select(Pot).where(Pot.name == "North parks 2027")) is None


def test_an_admin_sees_every_ward_of_the_council_and_council_wide(client, login, world):
    login(make_user(roles=[("admin", None)]))
    assert _areas(client.get("/panel/pots/new").text) == [
        "Council-wide (every ward)",
        "North",
        "South",
    ]


def test_a_resident_cannot_set_up_a_pot(client, login, world):
    login(make_user())
    assert client.get("/panel/pots/new").status_code == 403
