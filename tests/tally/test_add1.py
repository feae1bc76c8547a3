"""Add1 that jumps: the same outcome as stepping one endowment step at a time, at any step.

The reference is the plain Add1 loop (rerun equal shares at every step) on pb.tally's exact
engine, and pabutools' exhaustion_by_budget_increase on a sample. Files are a spread of every
vote type from ../shared/pabulib, chosen among those whose plain loop runs in well under a
second; ``PB_TALLY_ALL_FILES=1`` runs the comparison on every shared file instead (minutes).
"""

import os
from fractions import Fraction

import numpy as np
import pytest

from pb.tally import Election, pabulib, run
from pb.tally import equalshares as es
from pb.tally.certify import same_outcome
from pb.tally.crosscheck import pabutools_outcome
from tests.tally.conftest import PABULIB, pabulib_path

SPREAD = [
    # approval
    "poland_gdynia_2020_chylonia-large.pb",
    "poland_gdynia_2020_leszczynki-large.pb",
    "poland_gdynia_2020_witomino-small.pb",
    "poland_lodz_2022_wzniesien-lodzkich.pb",
    "poland_poznan_2023_9-stare-miasto.pb",
    "poland_warszawa_2017_radosc.pb",
    "poland_warszawa_2018_aleksandrow.pb",
    "poland_warszawa_2018_falenica.pb",
    "poland_warszawa_2018_kamionek.pb",
    "poland_warszawa_2018_miedzylesie.pb",
    "poland_zabrze_2020_pawlow.pb",
    # cumulative
    "poland_czestochowa_2020_podjasnogorska.pb",
    "poland_gdansk_2020_matarnia.pb",
    "poland_gdansk_2020_suchanino.pb",
    "poland_gdansk_2020_zaspa-mlyniec.pb",
    "poland_katowice_2020_dabrowka-mala.pb",
    "poland_katowice_2020_osiedle-witosa.pb",
    "poland_katowice_2021_dab.pb",
    # ordinal
    "poland_krakow_2018_biezanow-prokocim.pb",
    "poland_krakow_2018_krowodrza.pb",
    "poland_krakow_2018_pradnik-czerwony.pb",
    "poland_krakow_2018_bienczyce.pb",
]

if os.environ.get("PB_TALLY_ALL_FILES"):
    SPREAD = sorted(p.name for p in PABULIB.glob("*.pb"))


def stepwise(election: Election, step) -> int | None:
    """Add1 the plain way: rerun equal shares at every step until one overspends.

    None when every supported project fits (then no step overspends)."""
    tally = es._Tally(election, "")
    unit = Fraction(step) * election.scale
    budget = Fraction(election.budget) * election.scale
    costs = tally.costs
    if sum(c for c, v in zip(costs, tally.support.voters, strict=True) if v) <= budget:
        return None
    k = 0
    while True:
        trial = tally.run(tally.base + (k + 1) * unit).chosen
        if sum(costs[p] for p in trial) > budget:
            return k
        k += 1


def in_pence(election: Election, odd: bool = True) -> Election:
    """The election with money in hundredths, one cost raised by one hundredth if ``odd``."""
    costs = {pid: int(c) * 100 for pid, c in election.projects.items()}
    if odd:
        first = next(iter(costs))
        costs[first] += 1
    return Election(costs, int(election.budget) * 100, election.vote_type, election.profile)


def check(election: Election, step) -> None:
    expected = stepwise(election, step)
    outcome = run(election, "equalshares/add1", add1_step=step)
    if expected is not None:
        assert outcome.add1_steps == expected
        plain = es._Tally(election, "")
        unit = Fraction(step) * election.scale
        again = plain.run(plain.base + expected * unit).chosen
        assert list(outcome.selected) == [election.project_ids[p] for p in again]
    assert Fraction(outcome.add1_step) == Fraction(step)


@pytest.mark.parametrize("name", SPREAD)
def test_jumping_add1_equals_stepping_one_unit_at_a_time(name):
    check(pabulib.load(pabulib_path(name)), 1)


@pytest.mark.parametrize("name", SPREAD[::3])
def test_odd_pence_costs_counted_in_pence_step_a_whole_unit(name):
    check(in_pence(pabulib.load(pabulib_path(name))), 100)


@pytest.mark.parametrize(
    "name", ["poland_warszawa_2018_falenica.pb", "poland_katowice_2021_dab.pb"]
)
def test_a_small_step_gives_the_stepwise_answer_too(name):
    check(pabulib.load(pabulib_path(name)), Fraction(1, 10))


PABUTOOLS = [
    "poland_zabrze_2020_pawlow.pb",
    "poland_warszawa_2018_falenica.pb",
    "poland_gdansk_2020_matarnia.pb",
    "poland_krakow_2018_bienczyce.pb",
]


@pytest.mark.parametrize("name", PABUTOOLS)
def test_add1_equals_pabutools_exhaustion_by_budget_increase(name):
    path = pabulib_path(name)
    ours = run(pabulib.load(path), "equalshares/add1")
    assert list(ours.selected) == pabutools_outcome(path, "equalshares/add1")


@pytest.mark.parametrize("name", PABUTOOLS[:2])
def test_odd_pence_add1_equals_pabutools(name, tmp_path):
    election = in_pence(pabulib.load(pabulib_path(name)))
    path = tmp_path / "pence.pb"
    pabulib.write(pabulib.from_election(election, {}), path)
    ours = run(election, "equalshares/add1", add1_step=100)
    assert list(ours.selected) == pabutools_outcome(path, "equalshares/add1", add1_step=100)


def test_the_step_is_the_pots_choice_not_the_costs():
    # Whole costs, a step of 2 per voter: half as many steps as a step of 1.
    election = pabulib.load(pabulib_path("poland_warszawa_2018_falenica.pb"))
    one, two = (run(election, "equalshares/add1", add1_step=s) for s in (1, 2))
    assert one.add1_step == 1 and two.add1_step == 2
    assert one.endowment - two.endowment < 2
    with pytest.raises(ValueError, match="step must be positive"):
        run(election, "equalshares/add1", add1_step=0)


@pytest.mark.parametrize(
    "name", ["poland_gdansk_2020_matarnia.pb", "poland_warszawa_2018_kamionek.pb"]
)
def test_a_proven_range_gives_its_outcome_at_every_endowment_in_it(name):
    """Whenever certify proves a range, exact runs inside it agree (and a range across a change
    is never proven)."""
    election = pabulib.load(pabulib_path(name))
    tally = es._Tally(election, "")
    counts = election.profile.counts
    rng = np.random.default_rng(7)
    proven = 0
    for _ in range(12):
        start = tally.base + int(rng.integers(0, 200))
        width = int(rng.integers(1, 40))
        result = same_outcome(
            tally.support, tally.costs, tally.ranks, counts, float(start), float(start + width)
        )
        if result is None:
            continue
        proven += 1
        for x in np.linspace(0, 1, 6):
            endowment = start + Fraction(x) * width
            assert tally.run(endowment).chosen == result
    assert proven > 0
