"""Outcomes equal those of pabutools, the research community's reference library.

Real elections of every vote type from ../shared/pabulib; pabutools is told to use weight x
cost satisfaction and pb.tally's tie order (see pabutools_reference.py). Instances for add1 are
the ones where pabutools' own add1 loop takes about a second.
"""

import pytest

from pb.tally import pabulib, run
from pb.tally.crosscheck import pabutools_outcome
from tests.tally.conftest import pabulib_path

SPREAD = [
    # approval
    "poland_warszawa_2020_wlochy.pb",
    "poland_warszawa_2019_ochota.pb",
    "poland_lodz_2022_ruda.pb",
    "poland_gdynia_2020_obluze-small.pb",
    "poland_wroclaw_2017_rejon-nr-13-750.pb",
    "poland_warszawa_2017_grochow-centrum.pb",  # META without the key;value line
    # cumulative
    "france_toulouse_2019_.pb",
    "poland_katowice_2020_osiedle-tysiaclecia.pb",
    "poland_czestochowa_2020_tysiaclecie.pb",
    "poland_gdansk_2020_piecki-migowo.pb",
    # ordinal
    "poland_krakow_2019_nowa-huta.pb",
    "poland_krakow_2020_podgorze.pb",
    "poland_krakow_2021_debniki.pb",  # ordinal with a points column
    "poland_krakow_2022_pradnik-bialy.pb",
]

ADD1 = [
    "poland_zabrze_2020_pawlow.pb",
    "poland_warszawa_2018_subunit-wawer.pb",
    "poland_warszawa_2017_marysin-polnocny.pb",
    "poland_zabrze_2020_centrum-poludnie.pb",
    "poland_wroclaw_2018_rejon-nr-4-750.pb",
    "poland_gdansk_2020_mlyniska.pb",
    "poland_gdansk_2020_aniolki.pb",
    "poland_katowice_2020_zarzecze.pb",
    "poland_krakow_2018_wzgorza-krzeslawickie.pb",
    "poland_krakow_2018_bienczyce.pb",
]


@pytest.mark.parametrize("rule", ["greedy", "equalshares"])
@pytest.mark.parametrize("name", SPREAD)
def test_greedy_and_equal_shares_agree_with_pabutools(name, rule):
    path = pabulib_path(name)
    assert list(run(pabulib.load(path), rule).selected) == pabutools_outcome(path, rule)


@pytest.mark.parametrize("name", ADD1)
def test_add1_agrees_with_pabutools(name):
    path = pabulib_path(name)
    rule = "equalshares/add1"
    assert list(run(pabulib.load(path), rule).selected) == pabutools_outcome(path, rule)


@pytest.mark.parametrize("seed", ["audit-2024", "7"])
@pytest.mark.parametrize(
    "name",
    ["poland_gdansk_2020_aniolki.pb", "poland_krakow_2018_wzgorza-krzeslawickie.pb"],
)
@pytest.mark.parametrize("rule", ["greedy", "equalshares", "equalshares/add1"])
def test_agreement_holds_for_other_seeds(name, rule, seed):
    path = pabulib_path(name)
    selected = list(run(pabulib.load(path), rule, seed).selected)
    assert selected == pabutools_outcome(path, rule, seed)
