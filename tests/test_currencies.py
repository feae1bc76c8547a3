"""Money in the pot's currency on every path a person or a program meets: pages, forms and
their messages, the ballot and its review, results, the API, the dashboard's CSV, the
audit package. The same walk for a GBP, a PLN and a EUR council."""

import csv
import io
import json
import zipfile

import pytest

from pb.audit import package
from pb.extensions import db
from pb.money import currency_name, format_money
from pb.tally import pabulib
from tests.factories import make_user
from tests.results.published import published_pot

CURRENCIES = ["GBP", "PLN", "EUR"]
OTHER_SIGNS = {"GBP": ("PLN", "€"), "PLN": ("£", "€", "pence"), "EUR": ("£", "PLN", "pence")}


@pytest.fixture(params=CURRENCIES)
def currency(request, world):
    world.council.currency = request.param
    db.session.commit()
    return request.param


def _no_other_currency(text: str, currency: str) -> None:
    for sign in OTHER_SIGNS[currency]:
        assert sign not in text, sign


def test_pages_show_the_pots_currency(client, world, currency):
    pot = world.voting_pot
    amount = format_money(pot.amount, currency)
    for page in ("/", f"/pots/{pot.id}", f"/pots/{pot.id}/proposals"):
        text = client.get(page).text
        assert amount in text or format_money(world.on_ballot[0].cost, currency) in text, page
        _no_other_currency(text, currency)


def test_the_ballot_and_its_review_count_in_the_pots_currency(client, login, world, currency):
    pot = world.voting_pot
    alpha, bravo, _ = world.on_ballot
    login(make_user())
    ballot = client.get(f"/pots/{pot.id}/ballot").text
    assert format_money(alpha.cost, currency) in ballot
    review = client.post(
        f"/pots/{pot.id}/ballot", data={"choices": [alpha.id, bravo.id]}, follow_redirects=True
    ).text
    assert format_money(alpha.cost + bravo.cost, currency) in review
    _no_other_currency(ballot + review, currency)


def test_a_spending_cap_speaks_the_pots_currency(client, login, world, currency):
    pot = world.voting_pot
    pot.spending_cap = 60_000
    db.session.commit()
    alpha, bravo, _ = world.on_ballot
    login(make_user())
    text = client.post(f"/pots/{pot.id}/ballot", data={"choices": [alpha.id, bravo.id]}).text
    assert (
        f"Your choices cost {format_money(80_000, currency)}, more than the "
        f"{format_money(60_000, currency)} you can spend."
    ) in text.replace("\n", " ")


def test_the_proposal_form_asks_for_and_checks_the_pots_currency(client, login, world, currency):
    pot = world.proposals_pot
    login(make_user())
    form = client.get(f"/pots/{pot.id}/proposals/new").text
    assert f"Estimated cost in {currency_name(currency)}" in form
    response = client.post(
        f"/pots/{pot.id}/proposals/new",
        data={
            "title": "A new bench",
            "summary": "A bench by the pond for everyone.",
            "description": "A sturdy bench by the pond, for everyone who walks there.",
            "cost": "12.345",
            "category": "community",
        },
    )
    assert response.status_code in (400, 422)
    assert f"“12.345” is not an amount in {currency_name(currency)}" in response.text
    too_much = client.post(
        f"/pots/{pot.id}/proposals/new",
        data={
            "title": "A new bench",
            "summary": "A bench by the pond for everyone.",
            "description": "A sturdy bench by the pond, for everyone who walks there.",
            "cost": "5000",
            "category": "community",
        },
    )
    whole_pot = format_money(pot.amount, currency)
    assert f"The cost cannot be more than the whole pot, {whole_pot}." in too_much.text


def test_the_panels_pot_form_names_the_currency(client, login, world, currency):
    pot = world.proposals_pot
    login(make_user(roles=[("panel", world.north.id)]))
    form = client.get(f"/panel/pots/{pot.id}/settings").text
    assert f"Amount in {currency_name(currency)}" in form
    assert 'value="1,000"' in form  # the amount as a number in the form, no symbol


def test_results_api_csv_and_audit_package_carry_the_currency(client, world, currency):
    pot, _ = published_pot(
        world.council,
        world.north,
        {"Garden": 60_000, "Benches": 30_050, "Crossing": 50_000},
        online=[["Garden"], ["Garden", "Benches"], ["Crossing"]],
        amount=100_000,
    )
    results = client.get(f"/pots/{pot.id}/results").text
    assert format_money(90_050, currency) in results
    _no_other_currency(results, currency)

    api = client.get(f"/api/v1/pots/{pot.id}").get_json()
    assert api["currency"] == currency and api["amount_minor"] == 100_000
    assert not [key for key in api if "pence" in key]
    outcome = client.get(f"/api/v1/pots/{pot.id}/results").get_json()
    assert outcome["currency"] == currency and outcome["total_cost_minor"] == 90_050

    sheet = client.get(f"/goes-local.csv?council={world.council.id}&year={pot.year}").text
    rows = list(csv.DictReader(io.StringIO(sheet)))
    assert {row["currency"] for row in rows} == {currency}
    assert "amount_minor" in rows[0] and not [k for k in rows[0] if "pence" in k]

    with zipfile.ZipFile(io.BytesIO(package.build(pot))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        ballots = pabulib.parse(archive.read("ballots.pb").decode())
    assert manifest["pot"]["currency"] == currency
    assert manifest["pot"]["minor_unit_digits"] == 2
    assert ballots.meta["currency"] == currency and ballots.meta["budget"] == "1000"
