"""Equal shares decides like rational arithmetic even where floats cannot tell the difference."""

import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

from pb.tally import Election, equalshares, run
from pb.tally import mes as engine
from pb.tally.equalshares import _Tally
from tests.tally.reference import naive, weights_of
from tests.tally.test_properties import SEEDS, elections

E = 7 * 10**16  # each of 5 voters' endowment: prices near 10**16 are beyond float resolution


def near_tie_election(cost_a: int) -> Election:
    """Round 1 funds S (rho 1/7) and leaves v1 with 1e16, the others with 5e16 each.

    Round 2: B (6e16, backed by v2 v3 v4, nobody short) has rho exactly 1/3. A (backed by
    v1 v2 v3) has rho (cost_a - 1e16) / 2 / cost_a since v1 runs short: exactly 1/3 when
    cost_a = 3e16, and 1/3 + 1/(18e16 + 6), invisible to floats, when cost_a = 3e16 + 1.
    """
    return Election.from_ballots(
        {"S": 14 * 10**16, "A": cost_a, "B": 6 * 10**16},
        5 * E,
        [
            {"S": 3, "A": 1},
            {"S": 1, "A": 1, "B": 1},
            {"S": 1, "A": 1, "B": 1},
            {"S": 1, "B": 1},
            {"S": 1},
        ],
        "cumulative",
    )


@pytest.mark.parametrize(
    ("cost_a", "order"),
    [
        (3 * 10**16, ("S", "A", "B")),  # exact tie: the cheaper A goes first
        (3 * 10**16 + 1, ("S", "B", "A")),  # A's rho is larger by 1 part in 10**17
    ],
)
def test_rho_differences_below_float_resolution_are_seen(cost_a, order):
    rho_a = Fraction(cost_a - 10**16, 2) / cost_a
    assert float(rho_a) == float(Fraction(1, 3))  # floats alone would call this a tie
    assert run(near_tie_election(cost_a), "equalshares").selected == order


@pytest.mark.parametrize(("shortfall", "funded"), [(0, True), (1, False)])
def test_affordability_off_by_one_unit_in_a_quadrillion(shortfall, funded):
    # Round 1: S (4e14) backed by all four, rho 1/4: each keeps 9e14.
    # N backed by three of them costs their 2.7e15 plus the shortfall.
    election = Election.from_ballots(
        {"S": 4 * 10**14, "N": 27 * 10**14 + shortfall},
        4 * 10**15,
        [{"S", "N"}, {"S", "N"}, {"S", "N"}, {"S"}],
    )
    outcome = run(election, "equalshares")
    assert outcome.selected == (("S", "N") if funded else ("S",))
    if not funded:
        assert outcome.project("N").reason.startswith(
            "its supporters had 2,700,000,000,000,000 of the 2,700,000,000,000,001 it costs"
        )


class _DriftingRun(engine.EqualSharesRun):
    """Balances pushed around within the error the engine allows for after every charge."""

    def _charge(self, winner):
        super()._charge(winner)
        live = np.flatnonzero(self.money > 0)
        low, high = self._noise
        noise = self._rng.uniform(low, high, len(live)) * self._err
        self.money[live] = np.maximum(self.money[live] + noise, 0.0)


def run_drifting(election: Election, seed: str, noise: tuple[float, float], rng_seed: int):
    _DriftingRun._rng = np.random.default_rng(rng_seed)
    _DriftingRun._noise = noise
    original = equalshares.EqualSharesRun
    equalshares.EqualSharesRun = _DriftingRun  # a fixture cannot be used under @given
    try:
        return run(election, "equalshares", seed)
    finally:
        equalshares.EqualSharesRun = original


@settings(max_examples=150, deadline=None)
@given(elections(max_voters=9), SEEDS)
def test_float_drift_within_the_error_bound_never_changes_the_outcome(data, seed):
    costs, budget, ballots, vote_type = data
    # Sometimes every balance reads a little low, so exact "just affordable" looks short.
    noise = [(-0.25, 0.25), (-0.25, 0.0), (0.0, 0.25)][budget % 3]
    election = Election.from_ballots(costs, budget, ballots, vote_type)
    outcome = run_drifting(election, seed, noise, len(ballots) + budget)
    weights = [weights_of(b, vote_type, len(costs)) for b in ballots]
    assert list(outcome.selected) == naive(costs, budget, weights, "equalshares", seed)[0]


@pytest.mark.parametrize("noise", [(-0.25, 0.0), (0.0, 0.25)])
def test_just_affordable_after_drift(noise):
    # A (60) and B (40), both backed by both voters with 50 each: rho 1/2 for both, B is
    # cheaper; then each voter has exactly the 30 that A asks of them.
    election = Election.from_ballots({"A": 60, "B": 40}, 100, [{"A", "B"}, {"A", "B"}])
    assert run_drifting(election, "", noise, 1).selected == ("B", "A")


def test_a_wrong_interval_is_detected_and_the_exact_price_still_found():
    # 3 voters with 100 each; P (240) backed by all: 80 each, t = 80.
    election = Election.from_ballots({"P": 240}, 300, [{"P"}] * 3)
    tally = _Tally(election, "")
    state = engine.EqualSharesRun(
        tally.support, tally.costs, tally.ranks, election.profile.counts, Fraction(100)
    )
    assert state._solve(0, 10.0, 20.0) is None  # the price is not in there
    solution = state._solve(0, 0.0, math.inf)
    assert solution is not None and solution.price == 80 and solution.rho == Fraction(1, 3)


def brute_root(ratio, mb, mw, target):
    """Sort everyone by ratio and find where the poor/rich split gives the target."""
    order = sorted(range(len(ratio)), key=lambda i: ratio[i])
    paid, slope = 0.0, float(sum(mw))
    for i in order:
        t = (target - paid) / slope
        if ratio[i] >= t:
            break
        paid += mb[i]
        slope -= mw[i]
    return paid, slope


@pytest.mark.parametrize("n", [3, 40, 200])
def test_float_root_matches_a_plain_sort_even_on_long_tails(n):
    rng = random.Random(n)
    for shape in ("geometric", "uniform"):
        # Both converge in a few passes; test_fallbacks.py builds the tail that needs the sort.
        if shape == "geometric":
            ratio = np.array([2.0**i for i in range(n)])
        else:
            ratio = np.array([rng.uniform(0, 10) for _ in range(n)])
        m = np.array([float(rng.randint(1, 5)) for _ in range(n)])
        w = np.array([float(rng.randint(1, 3)) for _ in range(n)])
        b = ratio * w
        target = 0.9 * float(m @ b)
        paid, slope, rich = engine._root(ratio, m * b, m * w, target)
        want_paid, want_slope = brute_root(ratio, m * b, m * w, target)
        assert slope == want_slope
        assert paid == pytest.approx(want_paid, rel=1e-12)
        assert rich.sum() == sum(1 for r in ratio if r >= (target - paid) / slope)


def test_points_beyond_a_table_are_counted_without_one():
    # 10**12 points: the per-project table of weights would have 10**12 rows (terabytes).
    election = Election.from_ballots(
        {"A": 10, "B": 10}, 20, [{"A": 10**12, "B": 1}, {"B": 2}], "cumulative"
    )
    assert run(election, "equalshares").selected == tuple(
        naive({"A": 10, "B": 10}, 20, [{"A": 10**12, "B": 1}, {"B": 2}], "equalshares")[0]
    )
