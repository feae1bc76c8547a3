"""The public results page: money, turnout by eligibility mode, channels, coverage, the chart."""

import hashlib
import re
from datetime import date

import pytest

from pb.extensions import db
from pb.results.services import publish, run_tally
from tests.factories import make_pot, make_proposal, make_user
from tests.results.published import add_codes, add_roll, cast, published_pot, summary, text_of

COSTS = {"Alpha garden": 60_000, "Benches": 30_000, "Crossing": 50_000}
ONLINE = [["Alpha garden", "Benches"]] * 3 + [["Crossing"]]
PAPER = [["Crossing"], ["Benches"]]


def _north_pot(world, **settings):
    # Greedy on £1,000: Benches (4 votes, £300), then Alpha (3, £600); Crossing (£500) won't fit.
    settings.setdefault("amount", 100_000)
    return published_pot(world.council, world.north, COSTS, ONLINE, PAPER, **settings)


def _covered_share(ballots, funded) -> float:
    """Share of ballots backing at least one funded project, worked out from the ballots."""
    covered = sum(1 for chosen in ballots if set(chosen) & set(funded))
    return 100 * covered / len(ballots)


def test_money_ballots_turnout_and_coverage_of_an_open_pot(client, world):
    pot, _ = _north_pot(world)
    page = client.get(f"/pots/{pot.id}/results")
    assert page.status_code == 200
    facts = summary(page.text)

    funded = ["Benches", "Alpha garden"]
    spent = sum(COSTS[t] for t in funded)
    assert facts["Funded"] == "2 projects costing £900"
    assert facts["Budget"] == "£1,000"
    assert facts["Money left"] == f"£{(100_000 - spent) // 100}"
    assert facts["Ballots"] == "6 (4 online, 2 on paper)"
    # Open pot: everyone living in the ward could vote (North has 1,000 residents).
    assert facts["Could vote"] == f"{world.north.population:,} residents of North"
    assert facts["Turnout"] == f"{100 * 6 / world.north.population:.1f}%"
    share = _covered_share(ONLINE + PAPER, funded)
    assert facts["Voters with a funded project they backed"] == f"{share:.1f}%"

    funded_list = re.search(r'<ol class="[^"]*funded-list">(.*?)</ol>', page.text, re.S).group(1)
    assert text_of(funded_list).startswith("Benches, £300")
    assert "Alpha garden, £600" in text_of(funded_list)
    assert "Crossing" not in funded_list


@pytest.mark.parametrize(
    ("mode", "eligible"),
    [("roll", 8), ("codes", 5 - 1)],
)
def test_turnout_counts_the_roll_or_the_codes_not_void(client, world, mode, eligible):
    pot = make_pot(world.council, world.north, phase="closed", eligibility_mode=mode, rule="greedy")
    garden = make_proposal(pot, cost=10_000, title="Garden")
    if mode == "roll":
        add_roll(pot, 8)
    else:
        add_codes(pot, 5, void=1)
    cast(pot, {"Garden": garden}, [["Garden"]])
    cast(pot, {"Garden": garden}, [["Garden"]], channel="paper")
    admin = make_user(roles=[("admin", None)])
    run_tally(pot, admin)
    publish(pot, admin)

    facts = summary(client.get(f"/pots/{pot.id}/results").text)
    assert facts["Could vote"].startswith(f"{eligible:,} ")
    assert facts["Turnout"] == f"{100 * 2 / eligible:.1f}%"
    assert facts["Ballots"] == "2 (1 online, 1 on paper)"


def test_a_council_wide_pot_counts_every_ward(client, world):
    pot, _ = published_pot(
        world.council, None, {"Library": 50_000}, [["Library"]] * 3, amount=100_000
    )
    facts = summary(client.get(f"/pots/{pot.id}/results").text)
    residents = world.north.population + world.south.population
    assert facts["Could vote"] == f"{residents:,} residents of All of Testshire Council"
    assert facts["Turnout"] == f"{100 * 3 / residents:.1f}%"
    assert facts["Money left"] == "£500"


def test_no_one_eligible_means_turnout_is_not_known(client, world):
    world.north.population = 0
    db.session.commit()
    pot, _ = _north_pot(world)
    facts = summary(client.get(f"/pots/{pot.id}/results").text)
    assert facts["Turnout"].startswith("Not known")


def test_the_chart_is_an_accessible_svg_with_the_budget_line(client, world):
    pot, _ = _north_pot(world)
    page = client.get(f"/pots/{pot.id}/results").text
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    opening = svg[: svg.index(">") + 1]
    assert 'role="img"' in opening
    assert 'viewBox="0 0 360 ' in opening and 'width="100%"' in opening
    labelled = re.search(r'aria-labelledby="([^"]+)"', opening).group(1).split()
    title = re.search(r'<title id="([^"]+)">(.*?)</title>', svg, re.S)
    desc = re.search(r'<desc id="([^"]+)">(.*?)</desc>', svg, re.S)
    assert labelled == [title.group(1), desc.group(1)]
    assert "budget" in title.group(2).lower()
    assert "2 funded, costing £900 of the £1,000 budget, leaving £100" in desc.group(2)

    # The budget line sits at the budget on the money axis, which runs to the largest of
    # the budget and spent-plus-the-dearest-unfunded-project (£900 + £500 = £1,400).
    line = re.search(r'<line class="budget-line" x1="([\d.]+)" x2="([\d.]+)"', svg)
    money = re.search(r'x="([\d.]+)" y="14">Cost', svg)
    column = 360 - 16 - 16
    expected = float(money.group(1)) + round(column / 2 * 1_000 / 1_400, 1)
    assert float(line.group(1)) == pytest.approx(expected, abs=0.2)
    assert "Budget £1,000" in svg
    # One row of bars per project, funded ones drawn solid.
    assert svg.count('<g class="funded">') == 2 and svg.count('<g class="unfunded">') == 1
    for title in COSTS:
        assert title in svg
    # The text alternative: the table has every project.
    assert re.search(r"<caption[^>]*>Every project", page)


def test_the_table_explains_every_project(client, world):
    pot, _ = _north_pot(world, what_if=True)
    page = client.get(f"/pots/{pot.id}/results").text
    table = re.search(r"<table.*?</table>", page, re.S).group(0)
    rows = {
        text_of(re.search(r"<th[^>]*scope=\"row\">(.*?)</th>", row, re.S).group(1)): text_of(row)
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
        if 'scope="row"' in row
    }
    assert rows["Benches"] == "Benches £300 4 4 Funded Funded in round 1."
    assert rows["Alpha garden"] == "Alpha garden £600 3 3 Funded Funded in round 2."
    assert rows["Crossing"] == (
        "Crossing £500 2 2 Not funded Did not fit: £100 left, needed £500. "
        "It would have been funded at £100, or with 1 more supporter."
    )


def test_no_inline_styles_and_one_heading(client, world):
    pot, _ = _north_pot(world)
    page = client.get(f"/pots/{pot.id}/results").text
    assert "style=" not in page
    assert page.count("<h1") == 1


def test_before_publication_the_results_page_says_when_they_are_due(client, world):
    pot = world.voting_pot
    pot.results_on = date(2026, 12, 19)
    db.session.commit()
    page = client.get(f"/pots/{pot.id}/results")
    assert page.status_code == 200
    assert "The results are not published yet. They are due on 19 December 2026." in page.text
    assert "Funded projects" not in page.text
    draft = make_pot(world.council, world.north, phase="draft", name="Secret plan")
    hidden = client.get(f"/pots/{draft.id}/results")
    assert hidden.status_code == 404 and "Secret plan" not in hidden.text
    assert client.get("/pots/999999/results").status_code == 404


def test_a_correction_keeps_the_earlier_version_and_the_seed(client, world):
    seed = "0123456789abcdef"
    commitment = hashlib.sha256(seed.encode()).hexdigest()
    pot, proposals = _north_pot(world, seed=seed, seed_sha256=commitment)
    cast(pot, proposals, [["Crossing"]] * 5, channel="paper")
    admin = make_user(roles=[("admin", None)])
    run_tally(pot, admin, correction_reason="A box of paper ballots was found.")
    publish(pot, admin)
    page = client.get(f"/pots/{pot.id}/results").text
    assert "A box of paper ballots was found." in page
    assert "Earlier versions" in page and "Version 1" in page
    facts = summary(page)
    assert facts["Ballots"] == "11 (4 online, 7 on paper)"
    # Residents' page: no hashes; they are on "Check the results" for this pot.
    assert seed not in page and commitment not in page
    check = client.get(f"/check-the-results?pot={pot.id}").text
    assert seed in check and commitment in check


def test_after_publication_proposals_say_funded_or_not_with_their_votes(client, world):
    pot, proposals = _north_pot(world)
    page = client.get(f"/proposals/{proposals['Benches'].id}").text
    facts = summary(page)
    assert facts["Status"] == "Funded" and facts["Votes"].startswith("4 ")
    assert "On the ballot" not in page
    crossing = summary(client.get(f"/proposals/{proposals['Crossing'].id}").text)
    assert crossing["Status"] == "Not funded" and crossing["Votes"].startswith("2 ")
    listing = client.get(f"/pots/{pot.id}/proposals").text
    assert "Not funded" in listing and "2 votes" in listing and "4 votes" in listing
