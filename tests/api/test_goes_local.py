"""GET /api/v1/goes-local?year=: the dashboard's figures for a year, as open data in minor units."""

import pytest

from pb.councils.models import Ward
from pb.extensions import db
from tests.factories import make_pot

GOES_LOCAL = "/api/v1/goes-local"


def test_a_years_money_ward_by_ward(client, contract, world):
    # world: a £10m council budget; North's two 2026 pots of £1,000 each.
    make_pot(world.council, None, phase="proposals", amount=300_000, year=2026)
    make_pot(world.council, world.south, phase="draft", amount=900_000, year=2026)  # not public
    make_pot(world.council, world.south, phase="proposals", amount=700_000, year=2025)
    body = contract.check(client.get(f"{GOES_LOCAL}?year=2026"), GOES_LOCAL)
    assert (body["year"], body["currency"]) == (2026, "GBP")
    assert body["council"] == "Testshire Council"
    assert body["council_budget_minor"] == 10_000_000_00
    assert body["devolved_minor"] == 500_000
    assert body["devolved_share_percent"] == pytest.approx(0.05)
    assert body["years"] == [2026, 2025]
    rows = {row["ward"]: row for row in body["wards"]}
    north, south, everyone = rows["North"], rows["South"], rows["All wards"]
    assert (north["ward_code"], north["pots"], north["population"]) == ("E05000001", 2, 1000)
    assert (north["pot_amount_minor"], north["per_resident_minor"]) == (200_000, 200)
    assert north["proposals"] == 3
    assert (south["pot_amount_minor"], south["pots"], south["per_resident_minor"]) == (0, 0, 0)
    assert (everyone["ward_code"], everyone["pot_amount_minor"]) == (None, 300_000)
    assert everyone["per_resident_minor"] == 100  # £3,000 over 3,000 residents
    assert sum(row["pot_amount_minor"] for row in body["wards"]) == body["devolved_minor"]


def test_a_ward_with_no_population_has_no_per_resident_figure(client, contract, world):
    db.session.add(Ward(council=world.council, name="Docks", code="E05000099", population=0))
    db.session.commit()
    body = contract.check(client.get(GOES_LOCAL), GOES_LOCAL)
    docks = next(row for row in body["wards"] if row["ward"] == "Docks")
    assert docks["per_resident_minor"] is None


def test_an_imported_election_says_what_is_not_known(client, contract, app):
    """A pabulib import has no annual budget and no population: null, not 0."""
    from pb.demo import DEMO_DATA, REAL_ELECTION
    from pb.results.imports import import_pabulib

    pot = import_pabulib(DEMO_DATA / REAL_ELECTION)
    db.session.commit()
    body = contract.check(client.get(f"{GOES_LOCAL}?council={pot.council_id}"), GOES_LOCAL)
    assert (body["currency"], body["council_budget_minor"]) == ("PLN", None)
    ward = next(row for row in body["wards"] if row["ward"] == "Green Budget")
    assert (ward["population"], ward["per_resident_minor"]) == (None, None)
    assert ward["turnout_percent"] is None and ward["ballots"] == 6586
    assert ward["pot_amount_minor"] == 100_000_000


def test_without_a_year_the_latest_year_with_a_pot(client, contract, world):
    assert contract.check(client.get(GOES_LOCAL), GOES_LOCAL)["year"] == 2026
    make_pot(world.council, world.south, phase="proposals", amount=50_000, year=2027)
    body = contract.check(client.get(GOES_LOCAL), GOES_LOCAL)
    assert (body["year"], body["devolved_minor"]) == (2027, 50_000)


FULL_WIDTH_2026 = "\uff12\uff10\uff12\uff16"  # digits to str.isdigit(), not to a database


@pytest.mark.parametrize(
    "year", ["abc", "20x6", "2026.0", "-2026", FULL_WIDTH_2026, "99999", "1999"]
)
def test_a_year_that_is_not_a_year_is_a_json_400(client, contract, world, year):
    response = client.get(GOES_LOCAL, query_string={"year": year})
    assert response.status_code == 400
    assert contract.check(response, GOES_LOCAL)["error"]["status"] == 400


def test_before_any_council_is_set_up(client, contract):
    response = client.get(GOES_LOCAL)
    assert response.status_code == 404
    contract.check(response, GOES_LOCAL)
