"""Every route, with every kind of visitor and junk input, answers without a server error."""

import pytest

from tests.factories import make_comment, make_meeting, make_picture, make_user

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


def _paths(app, world, proposal_id, comment_id=0, picture_id=0, meeting_id=0):
    values = {
        "pot_id": world.voting_pot.id,
        "proposal_id": proposal_id,
        "token": "bad.token",
        "comment_id": comment_id,
        "picture_id": picture_id,
        "meeting_id": meeting_id,
        "size": "page",
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for name, value in values.items():
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        yield path, rule.methods


@pytest.mark.parametrize("who", ["anonymous", "resident", "admin"])
def test_no_route_gives_a_server_error(app, client, login, world, who):
    if who != "anonymous":
        roles = [("admin", None)] if who == "admin" else []
        login(make_user(roles=roles))
    proposal_id = world.on_ballot[0].id
    comment_id = make_comment(world.on_ballot[0], make_user()).id
    picture_id = make_picture(world.on_ballot[0]).id
    meeting_id = make_meeting(world.voting_pot).id
    seen = 0
    paths = _paths(app, world, proposal_id, comment_id, picture_id, meeting_id)
    for path, methods in paths:
        if "GET" in methods:
            assert client.get(path).status_code < 500, path
            assert client.get(path + "?q=%ff&category=%00&choice=x").status_code < 500, path
        if "POST" in methods and path != "/logout":
            for data in JUNK:
                assert client.post(path, data=data).status_code < 500, (path, data)
        seen += 1
    assert seen >= 15
