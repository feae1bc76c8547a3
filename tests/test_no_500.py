"""Every route, with every kind of visitor and junk input, answers without a server error."""

import pytest
from sqlalchemy import select

from pb.electorate.models import AccessCodeBatch
from pb.extensions import db
from pb.jobs import Job
from pb.mail import FailedMail
from pb.paper.models import PaperBatch
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


def _real_ids(world, proposal_id) -> dict:
    """A real row for every int id a route takes, so each route is reached, not just its 404."""
    pot = world.voting_pot
    job = Job(kind="tally", pot_id=pot.id)
    # The XSS walk (tests/test_xss.py) reuses this with a pot whose batch 1 it has entered.
    batch = db.session.scalar(
        select(PaperBatch).where(PaperBatch.pot_id == pot.id).order_by(PaperBatch.number)
    ) or PaperBatch(pot_id=pot.id, number=1)
    codes = AccessCodeBatch(pot_id=pot.id, label="Letters")
    mail = FailedMail(
        to="x@example.org", subject="Hi", raw=b"Subject: Hi\n\nHi", error="refused", attempts=5
    )
    grant = make_user(roles=[("panel", world.north.id)]).roles[0]
    db.session.add_all([job, batch, codes, mail])
    db.session.commit()
    return {
        "pot_id": pot.id,
        "proposal_id": proposal_id,
        "job_id": job.id,
        "council_id": world.council.id,
        "number": batch.number,
        "batch_id": codes.id,
        "grant_id": grant.id,
        "mail_id": mail.id,
        "token": "bad.token",
        "comment_id": make_comment(world.on_ballot[0], make_user()).id,
        "picture_id": make_picture(world.on_ballot[0]).id,
        "meeting_id": make_meeting(pot).id,
        "size": "page",
    }


def _paths(app, world, proposal_id):
    values = {**_real_ids(world, proposal_id), "asset_id": _an_asset(world).id}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for name, value in values.items():
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        assert "<int:" not in path, f"{rule.rule}: give its id a real row in _real_ids"
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
    paths = _paths(app, world, proposal_id)
    for path, methods in paths:
        if "GET" in methods:
            assert client.get(path).status_code < 500, path
            assert client.get(path + "?q=%ff&category=%00&choice=x").status_code < 500, path
        if "POST" in methods and path != "/logout":
            for data in JUNK:
                assert client.post(path, data=data).status_code < 500, (path, data)
        seen += 1
    assert seen >= 15
