"""GeoJSON open data: wards, a pot's proposals and funded projects, community assets, each
checked against the OpenAPI document."""

import pytest

from pb.assets.models import AssetStatus
from pb.assets.services import propose_asset
from pb.extensions import db
from pb.places.boundaries import import_boundaries
from pb.places.geometry import Place
from tests.factories import make_pot, make_proposal, make_user
from tests.places.conftest import FIXTURE, IN_NORTH

WARDS = "/api/v1/geo/wards"
PROPOSALS = "/api/v1/geo/pots/{pot_id}/proposals"
FUNDED = "/api/v1/geo/pots/{pot_id}/funded"
ASSETS = "/api/v1/geo/assets"


def test_wards_with_and_without_boundaries(client, contract, world):
    body = contract.check(client.get(WARDS), WARDS)
    assert body["type"] == "FeatureCollection"
    assert {f["id"]: f["geometry"] for f in body["features"]} == {
        "E05000001": None,
        "E05000002": None,
    }
    import_boundaries(FIXTURE.read_text(), world.council)
    db.session.commit()
    body = contract.check(client.get(WARDS), WARDS)
    north = next(f for f in body["features"] if f["id"] == "E05000001")
    assert north["geometry"]["type"] == "Polygon"
    assert north["properties"] == {
        "code": "E05000001",
        "name": "North",
        "council": "Testshire Council",
        "population": 1000,
    }


def test_proposals_with_a_place_as_points(client, contract, world):
    placed = make_proposal(world.voting_pot, latitude=IN_NORTH[0], longitude=IN_NORTH[1])
    path = PROPOSALS.format(pot_id=world.voting_pot.id)
    body = contract.check(client.get(path), PROPOSALS)
    assert [f["id"] for f in body["features"]] == [placed.id]  # the unplaced ones are left out
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [IN_NORTH[1], IN_NORTH[0]]}
    assert feature["properties"]["cost_minor"] == placed.cost
    assert body["currency"] == "GBP"


def test_funded_projects_after_publication(client, contract, published):
    published.alpha.latitude, published.alpha.longitude = IN_NORTH
    published.alpha.delivery_status, published.alpha.delivery_progress = "in_progress", 40
    published.crossing.latitude, published.crossing.longitude = IN_NORTH  # not funded
    db.session.commit()
    body = contract.check(client.get(FUNDED.format(pot_id=published.pot.id)), FUNDED)
    assert [f["id"] for f in body["features"]] == [published.alpha.id]
    assert body["features"][0]["properties"]["delivery_status"] == "in_progress"


def test_assets_approved_only(client, contract, world):
    fields = dict(kind="hall", offers="A hall.", address="", contact="x@example.org", opening="")
    shown = propose_asset(world.council, make_user(), Place(*IN_NORTH), name="Shown", **fields)
    propose_asset(world.council, make_user(), Place(*IN_NORTH), name="Waiting", **fields)
    shown.status = AssetStatus.APPROVED.value
    db.session.commit()
    body = contract.check(client.get(ASSETS), ASSETS)
    assert [f["properties"]["name"] for f in body["features"]] == ["Shown"]


@pytest.mark.parametrize("template", [PROPOSALS, FUNDED])
def test_unknown_and_draft_pots_are_404(client, contract, world, template):
    draft = make_pot(world.council, world.north, phase="draft")
    for pot_id in (999_999, draft.id):
        response = client.get(template.format(pot_id=pot_id))
        assert response.status_code == 404
        contract.check(response, template)


def test_the_schema_has_teeth(client, contract, world):
    make_proposal(world.voting_pot, latitude=IN_NORTH[0], longitude=IN_NORTH[1])
    body = contract.check(client.get(PROPOSALS.format(pot_id=world.voting_pot.id)), PROPOSALS)
    validator = contract.validator(*contract.response_schema_place(PROPOSALS, 200))
    feature = body["features"][0]
    from jsonschema.exceptions import ValidationError

    for broken in (
        {**feature, "geometry": {"type": "Point", "coordinates": [IN_NORTH[1]]}},
        {**feature, "properties": {**feature["properties"], "proposer": "someone"}},
        {**feature, "type": "Place"},
    ):
        with pytest.raises(ValidationError):
            validator.validate({**body, "features": [broken]})
