"""The community asset register: propose, review with a reason, public once approved; hostile
input to both forms changes nothing."""

import pytest
from sqlalchemy import func, select

from pb.assets.models import AssetStatus, CommunityAsset
from pb.assets.services import propose_asset
from pb.extensions import db
from pb.places.geometry import Place
from tests.factories import make_proposal, make_user
from tests.places.conftest import IN_NORTH, IN_SOUTH

GOOD = {
    "name": "North Hall",
    "kind": "hall",
    "offers": "A hall for 60 people, free to groups on weekday mornings.",
    "latitude": str(IN_NORTH[0]),
    "longitude": str(IN_NORTH[1]),
    "contact": "hall@example.org",
    "opening": "Weekdays 9 to 5.",
}
HOSTILE = [
    {},
    {**GOOD, "kind": "castle"},
    {**GOOD, "name": "<script>alert(1)</script>" * 20},
    {**GOOD, "latitude": "\x00", "longitude": "1"},
    {**GOOD, "latitude": "", "longitude": "", "place_postcode": "😀"},
    {**GOOD, "latitude": "", "longitude": ""},
    {**GOOD, "latitude": "1" + "0" * 30},
    {**GOOD, "contact": "c" * 301},
    {**GOOD, "offers": ["a", "b"]},
    {**GOOD, "latitude": "NaN", "longitude": "-1"},
    {**GOOD, "place_postcode": "' OR 1=1 --", "latitude": ""},
]


def _count() -> int:
    return db.session.scalar(select(func.count(CommunityAsset.id)))


def _asset(world, **extra) -> CommunityAsset:
    proposer = extra.pop("proposer", None) or make_user()
    fields = {k: GOOD[k] for k in ("name", "kind", "offers", "contact", "opening")}
    asset = propose_asset(world.council, proposer, Place(*IN_SOUTH), address="", **fields)
    db.session.commit()
    return asset


def test_a_resident_proposes_an_entry_that_waits_for_the_panel(client, login, bounded):
    user = make_user()
    login(user)
    response = client.post("/assets/new", data=GOOD)
    assert response.status_code == 303
    asset = db.session.scalar(select(CommunityAsset))
    assert asset.status == AssetStatus.PENDING and asset.ward_id == bounded.north.id
    assert asset.proposer_id == user.id
    assert client.get(response.headers["Location"]).status_code == 200  # the proposer sees it
    anonymous = client.application.test_client()
    assert anonymous.get(f"/assets/{asset.id}").status_code == 404  # not public yet
    assert "North Hall" not in anonymous.get("/assets").text
    assert anonymous.get("/api/v1/geo/assets").get_json()["features"] == []


@pytest.mark.parametrize("data", HOSTILE)
def test_hostile_asset_forms_store_nothing(client, login, world, data):
    login(make_user())
    before = _count()
    response = client.post("/assets/new", data=data)
    assert response.status_code in (400, 422), data  # 400: a NUL byte, refused before the view
    assert "<script>alert" not in response.text
    assert _count() == before


def test_the_panel_approves_and_the_entry_is_public_on_the_map_and_api(client, login, world):
    asset = _asset(world)
    login(make_user(roles=[("panel", world.south.id)]))
    assert asset.name in client.get("/panel/assets").text
    response = client.post(f"/panel/assets/{asset.id}", data={"decision": "approve"})
    assert response.status_code == 303
    db.session.refresh(asset)
    assert asset.status == AssetStatus.APPROVED
    page = client.application.test_client().get("/assets")
    assert '<li value="1">' in page.text and asset.name in page.text
    features = client.get("/api/v1/geo/assets").get_json()["features"]
    assert [f["properties"]["name"] for f in features] == [asset.name]
    assert features[0]["geometry"]["coordinates"] == [IN_SOUTH[1], IN_SOUTH[0]]
    # Reviewed once: a second decision is refused and changes nothing.
    again = client.post(f"/panel/assets/{asset.id}", data={"decision": "reject", "reason": "x"})
    assert again.status_code == 409 and "reviewed already" in again.text


def test_a_rejection_needs_a_reason_which_the_proposer_sees(client, login, world):
    proposer = make_user()
    asset = _asset(world, proposer=proposer)
    login(make_user(roles=[("panel", world.north.id)]))
    response = client.post(f"/panel/assets/{asset.id}", data={"decision": "reject"})
    assert response.status_code == 422 and "Give the reason" in response.text
    db.session.refresh(asset)
    assert asset.status == AssetStatus.PENDING
    response = client.post(
        f"/panel/assets/{asset.id}", data={"decision": "reject", "reason": "It closed in May."}
    )
    assert response.status_code == 303
    other = client.application.test_client()
    other.post("/login", data={"email": proposer.email, "password": "correct horse battery"})
    assert "It closed in May." in other.get(f"/assets/{asset.id}").text


@pytest.mark.parametrize(
    "data",
    [{}, {"decision": "maybe"}, {"decision": ["approve", "reject"]}, {"decision": "\x00"},
     {"decision": "reject", "reason": "r" * 2001}, {"decision": "reject", "reason": "   "}],
)  # fmt: skip
def test_hostile_reviews_change_nothing(client, login, world, data):
    asset = _asset(world)
    login(make_user(roles=[("admin", None)]))
    response = client.post(f"/panel/assets/{asset.id}", data=data)
    assert response.status_code in (400, 422), data
    db.session.refresh(asset)
    assert asset.status == AssetStatus.PENDING


def test_residents_cannot_review(client, login, world):
    asset = _asset(world)
    login(make_user())
    assert client.post(f"/panel/assets/{asset.id}", data={"decision": "approve"}).status_code == 403
    db.session.refresh(asset)
    assert asset.status == AssetStatus.PENDING


def test_a_proposal_can_name_an_approved_asset_only(client, login, world):
    approved = _asset(world)
    approved.status = AssetStatus.APPROVED.value
    waiting = _asset(world)
    db.session.commit()
    login(make_user(postcode="AB1 1AA"))
    data = {
        "title": "Youth club nights",
        "summary": "Friday nights for young people at the hall.",
        "description": "A year of Friday sessions with two youth workers at the hall.",
        "cost": "500",
        "category": "young-people",
    }
    path = f"/pots/{world.proposals_pot.id}/proposals/new"
    form = client.get(path).text
    assert approved.name in form and f'value="{waiting.id}"' not in form
    assert client.post(path, data={**data, "asset": str(waiting.id)}).status_code == 422
    response = client.post(path, data={**data, "asset": str(approved.id)})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "Community asset it would use" in page and approved.name in page


def test_the_proposals_geojson_names_the_asset(client, world):
    asset = _asset(world)
    asset.status = AssetStatus.APPROVED.value
    make_proposal(world.voting_pot, latitude=1.5, longitude=2.5, asset_id=asset.id)
    body = client.get(f"/api/v1/geo/pots/{world.voting_pot.id}/proposals").get_json()
    assert [f["properties"]["asset_id"] for f in body["features"]] == [asset.id]
