"""GET /api/v1/pots and /api/v1/pots/<id>: the pots residents can see, money in pence."""

import hashlib
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from pb.councils.models import Council, Ward
from pb.extensions import db
from tests.factories import make_pot, make_proposal

POTS = "/api/v1/pots"
POT = "/api/v1/pots/{pot_id}"


def test_the_list_has_every_pot_residents_can_see_and_no_draft(client, contract, world):
    draft = make_pot(world.council, world.north, phase="draft", name="Not announced")
    body = contract.check(client.get(POTS), POTS)
    listed = {pot["id"]: pot for pot in body["pots"]}
    assert set(listed) == {world.voting_pot.id, world.proposals_pot.id}
    assert draft.id not in listed
    assert listed[world.voting_pot.id]["proposal_count"] == 3
    assert listed[world.proposals_pot.id]["proposal_count"] == 0


def test_a_pot_in_voting(client, contract, world):
    pot = world.voting_pot
    pot.commit_to_seed()
    pot.voting_opens_on = date(2026, 5, 1)
    pot.spending_cap = 75_000
    db.session.commit()
    response = client.get(f"/api/v1/pots/{pot.id}")
    body = contract.check(response, POT)
    assert body["id"] == pot.id
    assert (body["amount_minor"], body["currency"]) == (100_000, "GBP")
    assert body["spending_cap_minor"] == 75_000
    assert (body["area"], body["ward_code"]) == ("North", "E05000001")
    assert (body["phase"], body["ballot_method"], body["max_picks"]) == ("voting", "approval", 2)
    assert (body["year"], body["rule"], body["eligibility_mode"]) == (2026, "greedy", "open")
    assert body["timeline"]["voting_opens_on"] == "2026-05-01"
    assert body["proposal_count"] == 3
    # The commitment is public while voting; the seed itself is not, anywhere in the answer.
    assert body["seed_sha256"] == hashlib.sha256(pot.seed.encode()).hexdigest()
    assert body["seed"] is None
    assert pot.seed not in response.text
    assert body["links"]["self"].endswith(f"/api/v1/pots/{pot.id}")
    assert body["links"]["proposals"].endswith(f"/api/v1/pots/{pot.id}/proposals")
    assert body["links"]["html"].endswith(f"/pots/{pot.id}")
    assert body["links"]["results"] is None


def test_before_voting_there_is_no_seed_commitment_to_show(client, contract, world):
    pot = world.proposals_pot
    pot.commit_to_seed()  # drawn early; still not public before voting opens
    db.session.commit()
    response = client.get(f"/api/v1/pots/{pot.id}")
    body = contract.check(response, POT)
    assert (body["seed_sha256"], body["seed"]) == (None, None)
    assert pot.seed_sha256 not in response.text


def test_a_published_pot_reveals_its_seed(client, contract, published):
    pot = published.pot
    body = contract.check(client.get(f"/api/v1/pots/{pot.id}"), POT)
    assert body["phase"] == "published"
    assert body["seed"] == pot.seed
    assert hashlib.sha256(body["seed"].encode()).hexdigest() == body["seed_sha256"]
    assert body["links"]["results"].endswith(f"/api/v1/pots/{pot.id}/results")
    assert body["timeline"]["voting_closed_at"] is not None


def test_a_council_wide_pot(client, contract, world):
    pot = make_pot(
        world.council,
        None,
        phase="proposals",
        amount=2_500_050,
        ballot_method="points",
        points_total=10,
        points_max=4,
    )
    body = contract.check(client.get(f"/api/v1/pots/{pot.id}"), POT)
    assert (body["area"], body["ward_code"]) == ("All wards", None)
    assert body["amount_minor"] == 2_500_050
    assert (body["points_total"], body["points_max"]) == (10, 4)


def test_money_is_in_the_currency_of_the_pots_council(client, contract, world):
    council = Council(name="Gmina Testowa", annual_budget=0, currency="PLN")
    db.session.add(council)
    db.session.flush()
    pot = make_pot(council, None, phase="proposals", amount=1_000_000_00)
    make_proposal(pot, cost=25_000_00)
    body = contract.check(client.get(POTS), POTS)
    currencies = {p["id"]: p["currency"] for p in body["pots"]}
    assert currencies == {world.voting_pot.id: "GBP", world.proposals_pot.id: "GBP", pot.id: "PLN"}
    proposals = client.get(f"/api/v1/pots/{pot.id}/proposals")
    body = contract.check(proposals, "/api/v1/pots/{pot_id}/proposals")
    assert body["currency"] == "PLN"
    assert body["proposals"][0]["cost_minor"] == 25_000_00


def test_drafts_unknown_and_impossible_ids_are_json_404s(client, contract, world):
    draft = make_pot(world.council, world.north, phase="draft")
    make_proposal(draft)
    for pot_id in (draft.id, 999_999, 2**40):
        for template in (POT, f"{POT}/proposals", f"{POT}/results"):
            response = client.get(template.format(pot_id=pot_id))
            assert response.status_code == 404, (template, pot_id)
            body = contract.check(response, template)
            assert body["error"]["status"] == 404
            assert "<html" not in response.text.lower()


@contextmanager
def _counting_selects():
    selects = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield selects
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _selects_for_listing(client) -> int:
    db.session.expire_all()  # as in a fresh request: nothing already loaded
    with _counting_selects() as selects:
        response = client.get(POTS)
    assert response.status_code == 200
    return len(selects)


def test_listing_pots_takes_the_same_few_queries_however_many_pots(client, world):
    few = _selects_for_listing(client)
    for n in range(6):
        ward = Ward(council=world.council, name=f"Ward {n}", code=f"E0590000{n}")
        db.session.add(ward)
        pot = make_pot(world.council, ward, phase="proposals")
        make_proposal(pot)
    many = _selects_for_listing(client)
    assert len(client.get(POTS).get_json()["pots"]) == 8
    assert many == few
    assert many <= 4  # pots, their wards, their councils, proposal counts
