"""The "goes local" dashboard: totals, shares, per-resident amounts, funded and delivered.

Expected figures are worked out here from the rows each test creates, not from the service.
"""

import csv
import io
import re

import pytest

from pb.dashboard.services import goes_local
from pb.extensions import db
from tests.factories import make_pot, make_proposal
from tests.html import markup
from tests.results.published import cast, published_pot, text_of

BUDGET = 10_000_000_00  # the world's council: £10m a year


@pytest.fixture
def year(world):
    """2026: the world's two North pots (voting, proposals), a published South pot and a
    published council-wide pot; plus a draft and a 2025 pot that must not count."""
    _, south_proposals = published_pot(
        world.council,
        world.south,
        {"Skate park": 120_000, "Bus shelter": 50_000, "Mural": 60_000},
        [["Skate park"]] * 5 + [["Bus shelter", "Mural"]] * 2,
        [["Mural"]],
        amount=200_000,
        name="South fund",
    )
    _, everyone_proposals = published_pot(
        world.council,
        None,
        {"Library hours": 150_000, "Trees": 100_000},
        [["Library hours"], ["Trees"], ["Trees"]],
        amount=300_000,
        name="Council fund",
    )
    # Greedy: South funds the skate park (5) and the mural (3) = £1,800; the bus shelter
    # (2) would take it to £2,300. Council-wide funds trees (2) then library hours (1).
    delivered = south_proposals["Mural"]
    delivered.delivery_status = "delivered"
    south_proposals["Skate park"].delivery_status = "in_progress"
    everyone_proposals["Library hours"].delivery_status = "delivered"
    draft = make_pot(world.council, world.south, phase="draft", amount=999_000)
    older = make_pot(world.council, world.south, phase="published", amount=555_000, year=2025)
    make_proposal(draft)
    db.session.commit()
    return {
        "north_amount": world.voting_pot.amount + world.proposals_pot.amount,
        "north_proposals": 3,  # the voting pot's three; the proposals pot has none yet
        "south_amount": 200_000,
        "south_ballots": 8,
        "south_funded": 120_000 + 60_000,
        "south_delivered": 60_000,
        "all_amount": 300_000,
        "all_ballots": 3,
        "all_funded": 150_000 + 100_000,
        "all_delivered": 150_000,
        "older": older,
    }


def _area(figures, name):
    return next(a for a in figures["areas"] if a["area"] == name)


def test_totals_are_the_sums_over_the_years_pots(world, year):
    figures = goes_local(2026, world.council)
    devolved = year["north_amount"] + year["south_amount"] + year["all_amount"]
    assert figures["devolved"] == devolved == 700_000
    assert figures["devolved_percent"] == round(100 * devolved / BUDGET, 2)
    assert figures["council"] == {"name": "Testshire Council", "annual_budget": BUDGET}

    assert [a["area"] for a in figures["areas"]] == ["North", "South", "All wards"]
    north, south, everyone = figures["areas"]
    assert (north["pots"], north["amount"], north["proposals"]) == (2, year["north_amount"], 3)
    assert (south["pots"], south["amount"], south["proposals"]) == (1, 200_000, 3)
    assert (everyone["pots"], everyone["amount"], everyone["proposals"]) == (1, 300_000, 2)

    totals = figures["totals"]
    for key in ("pots", "amount", "proposals", "ballots", "eligible", "funded", "delivered"):
        assert totals[key] == sum(a[key] for a in figures["areas"]), key
    assert totals["pots"] == 4  # not the draft, not 2025's


def test_per_resident_amounts_and_turnout(world, year):
    figures = goes_local(2026, world.council)
    north, south, everyone = figures["areas"]
    residents = world.north.population + world.south.population
    assert north["amount_per_resident"] == year["north_amount"] // world.north.population
    assert south["amount_per_resident"] == 200_000 // world.south.population
    assert everyone["amount_per_resident"] == 300_000 // residents
    assert figures["totals"]["amount_per_resident"] == 700_000 // residents
    assert south["share_percent"] == round(100 * 200_000 / BUDGET, 2)

    # The North pots are still voting or taking proposals: no counted ballots yet.
    assert (north["ballots"], north["turnout_percent"]) == (0, None)
    assert south["ballots"] == year["south_ballots"]
    assert south["turnout_percent"] == round(100 * 8 / world.south.population, 1)
    assert everyone["eligible"] == residents
    assert everyone["turnout_percent"] == round(100 * 3 / residents, 1)
    total = figures["totals"]
    assert total["turnout_percent"] == round(100 * 11 / (world.south.population + residents), 1)


def test_funded_and_delivered(world, year):
    figures = goes_local(2026, world.council)
    north, south, everyone = figures["areas"]
    assert (north["funded"], north["delivered"]) == (0, 0)
    assert (south["funded"], south["delivered"]) == (year["south_funded"], year["south_delivered"])
    assert (south["funded_projects"], south["delivered_projects"]) == (2, 1)
    assert (everyone["funded"], everyone["delivered"]) == (
        year["all_funded"],
        year["all_delivered"],
    )
    assert figures["totals"]["delivered"] == year["south_delivered"] + year["all_delivered"]


def test_a_pot_funding_nothing_delivered_adds_nothing(world, year):
    """A 'delivered' mark on a proposal that was not funded is not money delivered."""
    _, proposals = published_pot(
        world.council, world.north, {"Pond": 80_000}, [], amount=50_000, name="Tiny"
    )
    proposals["Pond"].delivery_status = "delivered"
    db.session.commit()
    north = _area(goes_local(2026, world.council), "North")
    assert (north["funded"], north["delivered"]) == (0, 0)
    assert north["amount"] == year["north_amount"] + 50_000


def _table(page: str) -> dict[str, list[str]]:
    table = re.search(r"<table.*?</table>", markup(page), re.S).group(0)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if head:
            rows[text_of(head.group(1))] = [
                text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
    return rows


def _money(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def test_the_page_shows_the_figures(client, world, year):
    page = client.get("/goes-local?year=2026")
    assert page.status_code == 200
    text = page.text
    assert text.count("<h1") == 1 and "Where the money goes in 2026" in text
    assert "style=" not in text
    rows = _table(text)
    assert rows["South"] == [
        "1",
        "£2,000",
        f"{100 * 200_000 / BUDGET:.2f}%",
        _money(200_000 // world.south.population),
        "3",
        "8",
        f"{100 * 8 / world.south.population:.1f}%",
        _money(year["south_funded"]),
        _money(year["south_delivered"]),
    ]
    assert rows["North"][6] == "\u2013"  # no counted vote yet
    assert rows["Total"][1] == "£7,000"
    assert rows["Total"][2] == f"{100 * 700_000 / BUDGET:.2f}%"
    assert "All wards" in rows
    # Charts: server-drawn SVG, each titled and described.
    assert text.count('role="img"') == 3
    assert text.count("<desc id=") == 3
    assert "Library hours" not in text  # areas, not projects


def test_downloads_carry_the_same_figures(client, world, year):
    figures = goes_local(2026, world.council)
    as_json = client.get("/goes-local.json?year=2026")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert as_json.get_json() == figures
    # Deprecated for the API's document, which names money fields *_minor like every other.
    assert as_json.headers["Deprecation"] == "true"
    assert "/api/v1/goes-local" in as_json.headers["Link"]

    as_csv = client.get("/goes-local.csv?year=2026")
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert "goes-local-2026.csv" in as_csv.headers["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [line["area"] for line in lines] == ["North", "South", "All wards", "Total"]
    for line, area in zip(lines, [*figures["areas"], figures["totals"]], strict=True):
        assert line["year"] == "2026"
        assert int(line["council_annual_budget_minor"]) == BUDGET
        assert int(line["amount_minor"]) == area["amount"]
        assert int(line["funded_minor"]) == area["funded"]
        assert int(line["delivered_minor"]) == area["delivered"]
        assert int(line["ballots"]) == area["ballots"]
        assert int(line["proposals"]) == area["proposals"]
        assert line["turnout_percent"] == (
            "" if area["turnout_percent"] is None else str(area["turnout_percent"])
        )
        assert int(line["amount_per_resident_minor"]) == area["amount_per_resident"]
    south = lines[1]
    assert int(south["amount_minor"]) == year["south_amount"]
    assert int(south["delivered_minor"]) == year["south_delivered"]

    page = _table(client.get("/goes-local?year=2026").text)
    for line in lines:
        cells = page[line["area"]]
        assert cells[1] == _money(int(line["amount_minor"]))
        assert cells[7] == _money(int(line["funded_minor"]))
        assert cells[8] == _money(int(line["delivered_minor"]))


def test_without_a_year_the_latest_year_with_a_pot_is_shown(client, world, year):
    make_pot(world.council, world.north, phase="draft", year=2031)  # drafts do not count
    page = client.get("/goes-local")
    assert page.status_code == 200
    assert "Where the money goes in 2026" in page.text
    make_pot(world.council, world.north, phase="proposals", year=2027)
    assert "Where the money goes in 2027" in client.get("/goes-local").text
    assert client.get("/goes-local.json").get_json()["year"] == 2027


def test_the_year_picker_is_a_plain_form(client, world, year):
    page = client.get("/goes-local?year=2025").text
    form = markup(re.search(r'<form method="get"[^>]*>.*?</form>', page, re.S).group(0))
    assert '<label for="year">Year</label>' in form
    assert re.findall(r'<option value="(\d+)"', form) == ["2026", "2025"]
    assert '<option value="2025" selected>' in form
    assert _table(page)["Total"][1] == _money(year["older"].amount)


@pytest.mark.parametrize(
    "bad", ["abc", "20x6", "1999", "2101", "-2026", "\uff12\uff10\uff12\uff16", "202"]
)
def test_a_bad_year_is_a_clear_400(client, world, bad):
    page = client.get("/goes-local", query_string={"year": bad})
    assert page.status_code == 400
    assert "There is a problem" in page.text and "Choose a year" in page.text
    assert '<label for="year">Year</label>' in markup(page.text)
    as_csv = client.get("/goes-local.csv", query_string={"year": bad})
    assert as_csv.status_code == 400 and "Choose a year" in as_csv.text
    as_json = client.get("/goes-local.json", query_string={"year": bad})
    assert as_json.status_code == 400 and "Choose a year" in as_json.get_json()["error"]


def test_a_year_without_pots_shows_nothing_devolved(client, world):
    page = client.get("/goes-local?year=2030")
    assert page.status_code == 200
    assert "No pot has been announced for 2030." in page.text
    figures = client.get("/goes-local.json?year=2030").get_json()
    assert figures["devolved"] == 0 and figures["devolved_percent"] == 0
    assert all(a["pots"] == 0 for a in figures["areas"])


def test_ballots_of_a_pot_still_voting_are_not_shown(client, world):
    cast(world.voting_pot, {"a": world.on_ballot[0]}, [["a"]] * 4)
    figures = client.get("/goes-local.json?year=2026").get_json()
    assert figures["totals"]["ballots"] == 0


def test_the_nav_links_to_the_dashboard(client, world):
    assert 'href="/goes-local">Where the money goes</a>' in markup(client.get("/").text)
