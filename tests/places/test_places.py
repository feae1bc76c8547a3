"""Point in polygon, a proposal's place checked against its pot's area, postcode locations."""

import pytest

from pb.councils.models import Postcode
from pb.extensions import db
from pb.places.geometry import Place, contains, ward_at
from pb.proposals.models import Proposal
from tests.factories import make_pot, make_user
from tests.places.conftest import IN_NORTH, IN_SOUTH, OUTSIDE


def test_point_in_polygon_finds_the_ward_holding_a_point(bounded):
    wards = [bounded.north, bounded.south]
    assert ward_at(wards, Place(*IN_NORTH)) is bounded.north
    assert ward_at(wards, Place(*IN_SOUTH)) is bounded.south
    assert ward_at(wards, Place(53.002, -1.965)) is bounded.south  # its second polygon
    assert ward_at(wards, Place(*OUTSIDE)) is None
    # A point on the shared edge is in both (covers, not contains).
    assert contains(bounded.north.boundary, Place(53.01, -1.99))
    assert contains(bounded.south.boundary, Place(53.01, -1.99))


def _propose(client, login, pot, **place):
    login(make_user(postcode="AB1 1AA"))
    data = {
        "title": "Flowers by the station",
        "summary": "Planters full of flowers by the station.",
        "description": "Six planters by the station entrance, looked after by neighbours.",
        "cost": "500",
        "category": "environment",
        **place,
    }
    return client.post(f"/pots/{pot.id}/proposals/new", data=data)


def test_a_proposal_in_its_ward_is_stored_with_its_place(client, login, bounded):
    response = _propose(
        client, login, bounded.proposals_pot, latitude=str(IN_NORTH[0]), longitude=str(IN_NORTH[1])
    )
    assert response.status_code == 303
    proposal = db.session.scalar(db.select(Proposal).order_by(Proposal.id.desc()))
    assert (proposal.latitude, proposal.longitude) == IN_NORTH
    assert proposal.ward_id == bounded.north.id


def test_a_proposal_in_another_ward_is_refused_naming_both(client, login, bounded):
    before = db.session.scalar(db.select(db.func.count(Proposal.id)))
    response = _propose(
        client, login, bounded.proposals_pot, latitude=str(IN_SOUTH[0]), longitude=str(IN_SOUTH[1])
    )
    assert response.status_code == 422
    assert "That place is in South, not North" in response.text
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == before


def test_a_council_wide_pot_takes_any_ward_and_refuses_outside(client, login, bounded):
    pot = make_pot(bounded.council, None, phase="proposals", name="Everywhere fund")
    response = _propose(client, login, pot, latitude=str(OUTSIDE[0]), longitude=str(OUTSIDE[1]))
    assert response.status_code == 422
    assert "outside Testshire Council&#39;s wards" in response.text
    response = _propose(client, login, pot, latitude=str(IN_SOUTH[0]), longitude=str(IN_SOUTH[1]))
    assert response.status_code == 303
    proposal = db.session.scalar(db.select(Proposal).order_by(Proposal.id.desc()))
    assert proposal.ward_id == bounded.south.id  # the ward the point is in


def test_the_postcode_gives_the_place_when_no_point_is_typed(client, login, bounded):
    row = db.session.get(Postcode, "AB1 1AB")
    row.latitude, row.longitude = IN_NORTH
    db.session.commit()
    assert (
        _propose(client, login, bounded.proposals_pot, place_postcode="ab11ab").status_code == 303
    )
    proposal = db.session.scalar(db.select(Proposal).order_by(Proposal.id.desc()))
    assert (proposal.latitude, proposal.longitude) == IN_NORTH
    response = _propose(client, login, bounded.proposals_pot, place_postcode="AB1 1AA")
    assert response.status_code == 422
    assert "We do not know where AB1 1AA is" in response.text


@pytest.mark.parametrize(
    ("latitude", "longitude", "words"),
    [
        ("53.0", "", "Enter the longitude as well"),
        ("", "-1.9", "Enter the latitude as well"),
        ("north", "-1.9", "decimal number"),
        ("91", "-1.9", "from -90 to 90"),
        ("nan", "-1.9", "from -90 to 90"),
        ("1e309", "-1.9", "from -90 to 90"),
        ("\u0665\u0663", "-1.9", "decimal number"),
        ("5" * 40, "-1.9", "decimal number"),
    ],
)
def test_bad_coordinates_get_a_message_and_store_nothing(
    client, login, bounded, latitude, longitude, words
):
    before = db.session.scalar(db.select(db.func.count(Proposal.id)))
    response = _propose(
        client, login, bounded.proposals_pot, latitude=latitude, longitude=longitude
    )
    assert response.status_code == 422
    assert words in response.text
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == before


def test_without_boundaries_a_point_is_accepted_as_given(client, login, world):
    response = _propose(
        client, login, world.proposals_pot, latitude=str(OUTSIDE[0]), longitude=str(OUTSIDE[1])
    )
    assert response.status_code == 303


def test_a_postcode_list_can_give_locations(client, login, world):
    from pb.councils.imports import check_postcodes, import_postcodes

    text = "pcds,osward,lat,long\nAB1 1AA,E05000001,53.015,-1.99\nAB3 3CC,E05000002,99.999999,0\n"
    import_postcodes(text, None)
    db.session.commit()
    assert (db.session.get(Postcode, "AB1 1AA").latitude) == 53.015
    assert db.session.get(Postcode, "AB3 3CC").latitude is None  # the ONSPD's "unknown"
    check = check_postcodes(
        "pcds,osward,lat,long\nAB1 1AA,E05000001,95,-1.99\nAB1 1AB,E05000001,x,1\n"
    )
    assert [line for line, _ in check.errors] == [2, 3]
    assert "is not a latitude" in check.errors[0][1]
