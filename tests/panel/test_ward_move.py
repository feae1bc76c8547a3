"""A ward panel member cannot move their pot into a ward they do not manage (issue 14)."""

from pb.extensions import db
from tests.factories import make_pot, make_user


def _settings(pot, **changes):
    data = {
        "name": pot.name,
        "amount": "1000",
        "year": "2026",
        "ward_id": str(pot.ward_id or ""),
        "ballot_method": "approval",
        "rule": "greedy",
        "eligibility_mode": "open",
        "min_picks": "1",
    }
    return {**data, **changes}


def test_a_ward_panel_cannot_move_its_pot_elsewhere(client, login, world):
    pot = make_pot(world.council, world.north, phase="draft")
    login(make_user(roles=[("panel", world.north.id)]))
    path = f"/panel/pots/{pot.id}/settings"
    page = client.get(path).text
    assert "South" not in page and "Council-wide" not in page  # not even offered
    for target in (str(world.south.id), ""):
        response = client.post(path, data=_settings(pot, ward_id=target))
        assert response.status_code == 422, target
        db.session.refresh(pot)
        assert pot.ward_id == world.north.id
    assert client.post(path, data=_settings(pot, name="Renamed")).status_code == 303


def test_a_council_wide_panel_may_move_a_pot_anywhere(client, login, world):
    pot = make_pot(world.council, world.north, phase="draft")
    login(make_user(roles=[("panel", None)]))
    path = f"/panel/pots/{pot.id}/settings"
    assert client.post(path, data=_settings(pot, ward_id=str(world.south.id))).status_code == 303
    db.session.refresh(pot)
    assert pot.ward_id == world.south.id
