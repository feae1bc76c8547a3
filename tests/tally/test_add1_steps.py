"""Add1 gives the unit-step answer at any step: a whole unit per voter and one minor unit.

Real files of every vote type counted in hundredths with one cost raised by one hundredth
(odd pence), against pabutools' exhaustion_by_budget_increase (budget_step = step x voters),
and small made-up elections against a plain step-by-step Add1 written out below. pabutools
reruns Equal Shares at every one of thousands of penny steps: files where that takes more
than a few seconds run only with ``PB_TALLY_HEAVY=1``.
"""

import os
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pb.tally import Election, certify, pabulib, run
from pb.tally import equalshares as es
from pb.tally.crosscheck import pabutools_outcome
from tests.tally.conftest import pabulib_path
from tests.tally.reference import mes, tie_key, weights_of
from tests.tally.test_add1 import check, in_pence
from tests.tally.test_properties import SEEDS, elections

heavy = pytest.mark.skipif(
    not os.environ.get("PB_TALLY_HEAVY"), reason="pabutools at a penny step: set PB_TALLY_HEAVY=1"
)


def pence_file(name, tmp_path):
    """The file in hundredths with one odd hundredth, as an election and as a pabulib file."""
    election = in_pence(pabulib.load(pabulib_path(name)))
    meta = {}
    if election.vote_type == "ordinal":  # rank r of L earns L - r + 1: keep L
        meta["max_length"] = str(int(election.profile.weights.max()))
    path = tmp_path / "pence.pb"
    pabulib.write(pabulib.from_election(election, meta), path)
    return election, path


UNIT = [
    "poland_zabrze_2021_helenka.pb",  # approval
    "poland_gdynia_2020_orlowo-large.pb",
    "poland_gdansk_2020_matarnia.pb",  # cumulative
    "poland_gdansk_2020_rudniki.pb",
    "poland_krakow_2018_czyzyny.pb",  # ordinal
    "poland_krakow_2018_bienczyce.pb",
]


@pytest.mark.parametrize("name", UNIT)
def test_odd_pence_a_whole_unit_a_step_equals_pabutools(name, tmp_path):
    election, path = pence_file(name, tmp_path)
    ours = run(election, "equalshares/add1", add1_step=100)
    assert list(ours.selected) == pabutools_outcome(path, "equalshares/add1", add1_step=100)


PENNY = [
    "poland_zabrze_2021_helenka.pb",  # approval, about 2,000 penny steps
    "poland_gdynia_2020_orlowo-large.pb",  # approval, about 9,400
    pytest.param("poland_warszawa_2017_subunit-wawer.pb", marks=heavy),  # approval
    pytest.param("poland_gdansk_2020_matarnia.pb", marks=heavy),  # cumulative, about 5,000
    pytest.param("poland_gdansk_2020_rudniki.pb", marks=heavy),  # cumulative, about 28,000
    pytest.param("poland_krakow_2018_czyzyny.pb", marks=heavy),  # ordinal, 40 s in pabutools
]


@pytest.mark.parametrize("name", PENNY)
def test_odd_pence_a_penny_a_step_equals_pabutools(name, tmp_path):
    election, path = pence_file(name, tmp_path)
    ours = run(election, "equalshares/add1", add1_step=1)
    assert list(ours.selected) == pabutools_outcome(path, "equalshares/add1", add1_step=1)


@pytest.mark.parametrize(
    "name",
    [
        "poland_gdansk_2020_matarnia.pb",  # cumulative
        "poland_krakow_2018_czyzyny.pb",  # ordinal
        "poland_zabrze_2021_helenka.pb",  # approval
    ],
)
def test_odd_pence_a_penny_a_step_equals_stepping_every_penny(name):
    """pb.tally's own exact engine rerun at every penny (thousands of runs, no pabutools)."""
    check(in_pence(pabulib.load(pabulib_path(name))), 1)


def plain_add1(costs, budget, ballots, step, seed):
    """Add1 as the rule says it: endowment budget/n + k * step for k = 0, 1, ... until the
    outcome overspends, then the outcome of the k before; every step is run."""
    supporters = {p: sum(1 for b in ballots if b.get(p, 0) > 0) for p in costs}
    key = tie_key(costs, supporters, seed)
    supported = sum(c for p, c in costs.items() if supporters[p])
    base = Fraction(budget, len(ballots)) if ballots else Fraction(0)
    k = 0
    while True:
        if base + k * step >= supported:  # nobody can run short any more
            return mes(costs, ballots, base + k * step, key), k
        trial = mes(costs, ballots, base + (k + 1) * step, key)
        if sum(costs[p] for p in trial) > budget:
            return mes(costs, ballots, base + k * step, key), k
        k += 1


@settings(max_examples=120, deadline=None)
@given(
    elections(max_projects=5, max_voters=6, max_cost=400),
    st.sampled_from([Fraction(1), Fraction(1, 3), Fraction(7), Fraction(5, 2)]),
    SEEDS,
)
def test_add1_at_any_step_matches_a_plain_step_by_step_loop(data, step, seed):
    costs, budget, ballots, vote_type = data
    election = Election.from_ballots(costs, budget, ballots, vote_type)
    outcome = run(election, "equalshares/add1", seed, add1_step=step)
    weights = [weights_of(b, vote_type, len(costs)) for b in ballots]
    expected, k = plain_add1(costs, budget, weights, step, seed)
    assert list(outcome.selected) == expected
    assert outcome.add1_steps == k


def test_a_project_that_becomes_affordable_but_loses_does_not_stop_a_proof():
    # A (6) backed by everyone has rho 1/3 from an endowment of 2; X (5) backed by v1 alone
    # becomes affordable at 5 but its rho 1 loses, and after A it is out of reach again.
    election = Election.from_ballots({"A": 6, "X": 5}, 15, [{"A", "X"}, {"A"}, {"A"}])
    tally = es._Tally(election, "")
    counts = election.profile.counts
    proven = certify.same_outcome(tally.support, tally.costs, tally.ranks, counts, 4.5, 5.5)
    assert proven == [0]
    for endowment in (Fraction(9, 2), Fraction(5), Fraction(11, 2)):
        assert tally.run(endowment).chosen == [0]
    # From 7 on X stays affordable after A and is funded: a range across that is not proven.
    assert certify.same_outcome(tally.support, tally.costs, tally.ranks, counts, 6.5, 7.5) is None
    assert tally.run(Fraction(15, 2)).chosen == [0, 1]
