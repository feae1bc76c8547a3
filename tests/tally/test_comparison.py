"""The comparison step: greedy replaces Equal Shares only when strictly more voters prefer it."""

from dataclasses import replace

import pytest

from pb.tally import Election, pabulib, run
from pb.tally.comparison import compare
from pb.tally.crosscheck import pabutools_outcome
from tests.tally.conftest import pabulib_path

# Approval files first (pabulib's checker defines the step on them), then the other types.
FILES = [
    "poland_wieliczka_2023.pb",
    "poland_warszawa_2018_falenica.pb",
    "poland_warszawa_2018_kamionek.pb",
    "poland_gdynia_2020_witomino-small.pb",
    "poland_zabrze_2020_pawlow.pb",
    "poland_warszawa_2020_wlochy.pb",
    "poland_lodz_2022_ruda.pb",
    "poland_gdansk_2020_matarnia.pb",
    "poland_krakow_2018_bienczyce.pb",
]


@pytest.mark.parametrize("name", FILES)
def test_equal_shares_comparison_agrees_with_pabutools(name):
    path = pabulib_path(name)
    ours = run(pabulib.load(path), "equalshares-comparison")
    assert list(ours.selected) == pabutools_outcome(path, "equalshares-comparison")


@pytest.mark.parametrize("name", [FILES[1], FILES[2], FILES[4]])
def test_add1_comparison_agrees_with_pabutools(name):
    path = pabulib_path(name)
    ours = run(pabulib.load(path), "equalshares/add1-comparison")
    assert list(ours.selected) == pabutools_outcome(path, "equalshares/add1-comparison")


def test_wieliczka_both_ways_with_the_vote():
    election = pabulib.load(pabulib_path("poland_wieliczka_2023.pb"))
    plain = run(election, "equalshares-comparison")
    add1 = run(election, "equalshares/add1-comparison")
    # Plain equal shares underspends, and more voters prefer greedy's list.
    vote = plain.comparison
    assert vote.prefer_greedy > vote.prefer_equal_shares and vote.chosen == "greedy"
    assert plain.selected == vote.greedy_selected == run(election, "greedy").selected
    # With Add1 the equal shares outcome wins the vote and stands.
    assert add1.comparison.chosen == "equalshares"
    assert add1.selected == run(election, "equalshares/add1").selected
    total = vote.prefer_equal_shares + vote.prefer_greedy + vote.indifferent
    assert total == election.profile.num_voters


def test_greedy_replaces_equal_shares_when_strictly_more_voters_prefer_it():
    # 5 voters back a and b, 4 back c (50 each, budget 100). Equal shares funds a or b (c's
    # backers hold 44.44 of 50, and the first one leaves 1.11 each for the other); greedy both.
    ballots = [{"a", "b"}] * 5 + [{"c"}] * 4
    election = Election.from_ballots({"a": 50, "b": 50, "c": 50}, 100, ballots)
    outcome = run(election, "equalshares-comparison")
    vote = outcome.comparison
    assert len(vote.equal_shares_selected) == 1 and set(vote.greedy_selected) == {"a", "b"}
    assert (vote.prefer_equal_shares, vote.prefer_greedy, vote.indifferent) == (0, 5, 4)
    assert vote.chosen == "greedy" and outcome.selected == vote.greedy_selected
    assert outcome.to_dict()["comparison"]["prefer_greedy"] == 5


def test_a_tie_in_the_vote_keeps_equal_shares():
    # One voter each for a and b, room for one: whichever greedy funds, an equal shares outcome
    # funding the other one ties 1-1 and stands.
    election = Election.from_ballots({"a": 10, "b": 10}, 10, [{"a"}, {"b"}])
    greedy_pick = run(election, "greedy").selected
    other = ("b",) if greedy_pick == ("a",) else ("a",)
    mes = replace(run(election, "equalshares"), selected=other)
    outcome = compare(election, "equalshares-comparison", mes, "")
    assert (outcome.comparison.prefer_equal_shares, outcome.comparison.prefer_greedy) == (1, 1)
    assert outcome.comparison.chosen == "equalshares" and outcome.selected == other


def test_the_rule_names_read_from_pabulib():
    from pb.tally import rule_name

    assert rule_name("equalshares-comparison") == "equalshares-comparison"
    assert rule_name("EqualShares/Add1-Comparison") == "equalshares/add1-comparison"


def test_pb_tally_reads_the_rule_and_shows_the_vote(tmp_path):
    from click.testing import CliRunner

    from pb.tally.cli import tally_command

    data = pabulib.read(pabulib_path("poland_warszawa_2018_falenica.pb"))
    data.meta["rule"] = "equalshares/add1-comparison"
    path = tmp_path / "falenica.pb"
    pabulib.write(data, path)
    result = CliRunner().invoke(tally_command, [str(path), "--add1-step", "2"])
    assert result.exit_code == 0, result.output
    assert "rule equalshares/add1-comparison" in result.output
    assert "steps of 2)" in result.output and "comparison: " in result.output
    assert pabulib.read(path).meta["rule"] == "equalshares/add1-comparison"
