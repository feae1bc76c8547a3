"""Every route, with every kind of visitor and junk input, answers without a server error."""

import pytest

from tests.factories import make_user

JUNK = [
    {},
    {"email": "<script>alert(1)</script>", "password": "' OR 1=1 --", "choices": ["x", "-1"]},
    {
        "title": "\x00" * 3,
        "cost": "9" * 40,
        "category": "[]",
        "nonce": "n" * 5000,
        "code": "%00",
        "postcode": "😀",
        "date_of_birth": "1990-13-45",
        "action": "open_voting",
    },
]


def _paths(app, world, proposal_id):
    values = {
        "pot_id": world.voting_pot.id,
        "proposal_id": proposal_id,
        "token": "bad.token",
        "asset_id": _an_asset(world).id,
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for name, value in values.items():
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        yield path, rule.methods


def _an_asset(world):
    """A waiting community asset, so that the asset routes are walked with a real id."""
    from pb.assets.models import CommunityAsset
    from pb.assets.services import propose_asset
    from pb.extensions import db
    from pb.places.geometry import Place

    found = db.session.scalar(db.select(CommunityAsset).limit(1))
    if found is None:
        found = propose_asset(
            world.council, None, Place(53.0, -2.0), name="A hall", kind="hall",
            offers="A hall for groups.", address="", contact="hall@example.org", opening="",
        )  # fmt: skip
        db.session.commit()
    return found


@pytest.mark.parametrize("who", ["anonymous", "resident", "admin"])
def test_no_route_gives_a_server_error(app, client, login, world, who):
    if who != "anonymous":
        roles = [("admin", None)] if who == "admin" else []
        login(make_user(roles=roles))
    proposal_id = world.on_ballot[0].id
    seen = 0
    for path, methods in _paths(app, world, proposal_id):
        if "GET" in methods:
            assert client.get(path).status_code < 500, path
            assert client.get(path + "?q=%ff&category=%00&choice=x").status_code < 500, path
        if "POST" in methods and path != "/logout":
            for data in JUNK:
                assert client.post(path, data=data).status_code < 500, (path, data)
        seen += 1
    assert seen >= 15
