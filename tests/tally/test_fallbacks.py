"""Each exact fallback of the equal-shares engine runs, and the outcome is still exact.

The float work in pb/tally/mes.py and certify.py only filters; EXACTNESS.md proves the bounds.
Here every branch that exists for the rare case (the sort in ``_root``, the widening near a
kink, a contender whose interval was wrong or that turned out unaffordable, certify's
conservative exits) is made to run, its running is recorded, and the outcome is compared
with tests/tally/reference.py's plain Fraction arithmetic.
"""

import inspect
import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings

from pb.tally import Election, certify, equalshares, run
from pb.tally import mes as engine
from tests.tally.reference import naive, weights_of
from tests.tally.test_properties import SEEDS, elections


def record(monkeypatch, owner, name):
    """Replace ``owner.name`` by a wrapper that records each call's result (or exception)."""
    original = getattr(owner, name)
    calls = []

    def wrapper(*args, **kwargs):
        try:
            result = original(*args, **kwargs)
        except Exception as exc:
            calls.append(exc)
            raise
        calls.append(result)
        return result

    static = isinstance(inspect.getattr_static(owner, name), staticmethod)
    monkeypatch.setattr(owner, name, staticmethod(wrapper) if static else wrapper)
    return calls


def exact(costs, budget, ballots, vote_type, rule="equalshares", seed=""):
    """The reference outcome, in plain Fraction arithmetic."""
    weights = [weights_of(b, vote_type, len(costs)) for b in ballots]
    return naive(costs, budget, weights, rule, seed)[0]


# A long tail: 13 voters giving P 2**(13 - k) points, k = 0..12, whose money after round 1
# makes each pass of _root's fixed point find exactly one more of them short (a voter's money
# per point lies between the price estimates of the two passes before it), plus a rich one.
E = 10**12
TAIL_COST = 32 * 10**9


def long_tail() -> tuple[list[int], list[int]]:
    """P's points on each tail ballot and the money per point each holds when P is priced."""
    points = [2 ** (13 - k) for k in range(13)]
    paid, slope = Fraction(0), sum(points) + 1
    before, estimate = None, Fraction(TAIL_COST, slope)
    per_point = []
    for w in points:
        # Not short on the pass before (>= that estimate), short on this one (< estimate).
        held = math.floor(estimate / 2) if before is None else math.ceil(before)
        assert held < estimate
        per_point.append(held)
        paid += w * held
        slope -= w
        before, estimate = estimate, (TAIL_COST - paid) / slope
    assert estimate < E  # the rich voter pays the price in full
    return points, per_point


def long_tail_election():
    """Round 1 funds S at 1 per point, so a voter giving S  E - x  points keeps x for P."""
    points, per_point = long_tail()
    kept = [w * r for w, r in zip(points, per_point, strict=True)]
    ballots = [{"S": E - x, "P": w} for x, w in zip(kept, points, strict=True)] + [{"P": 1}]
    costs = {"S": sum(E - x for x in kept), "P": TAIL_COST}
    return costs, E * len(ballots), ballots


def test_a_long_tail_makes_root_sort_and_the_price_is_still_exact(monkeypatch):
    costs, budget, ballots = long_tail_election()
    sorted_roots = record(monkeypatch, engine, "_root_by_sorting")
    outcome = run(Election.from_ballots(costs, budget, ballots, "cumulative"), "equalshares")
    assert sorted_roots  # the fixed point gave up after its passes and sorted
    assert list(outcome.selected) == exact(costs, budget, ballots, "cumulative")
    assert outcome.selected == ("S", "P")


def test_root_on_a_long_tail_sorts_and_finds_the_exact_split(monkeypatch):
    points, per_point = long_tail()
    sorted_roots = record(monkeypatch, engine, "_root_by_sorting")
    w = np.array([*points, 1], dtype=np.float64)
    ratio = np.array([*per_point, E], dtype=np.float64)
    paid, slope, rich = engine._root(ratio, ratio * w, w, float(TAIL_COST))
    assert len(sorted_roots) == 1
    # The exact price: those holding less per point than it pay all they hold.
    voters = sorted(zip([*per_point, E], [*points, 1], strict=True))
    exact_paid, exact_slope = Fraction(0), sum(n for _, n in voters)
    for held, n in voters:
        if held * exact_slope >= TAIL_COST - exact_paid:
            break
        exact_paid += held * n
        exact_slope -= n
    price = (TAIL_COST - exact_paid) / exact_slope
    assert slope == exact_slope and paid == exact_paid  # integers below 2**53: exact
    assert rich.tolist() == [held >= price for held in [*per_point, E]]


def test_the_old_passes_never_sorted_the_geometric_case(monkeypatch):
    # What test_exactness.py used to claim reached the sort does not: it converges.
    sorted_roots = record(monkeypatch, engine, "_root_by_sorting")
    ratio = np.array([2.0**i for i in range(200)])
    engine._root(ratio, ratio, np.ones(200), 0.9 * float(ratio.sum()))
    assert sorted_roots == []


def kink_election():
    """Round 1: S (80) by v1 v2 v4 v5 at 20 each; then P (240) by v1 v2 v3 costs exactly
    80 each: v1 and v2 hold exactly 80, so P's price sits on a kink of the payment curve."""
    costs = {"S": 80, "P": 240}
    ballots = [{"S", "P"}, {"S", "P"}, {"P"}, {"S"}, {"S"}]
    return costs, 500, ballots


def test_a_price_on_a_kink_widens_and_is_still_exact(monkeypatch):
    costs, budget, ballots = kink_election()
    widened = record(monkeypatch, engine.EqualSharesRun, "_widen")
    outcome = run(Election.from_ballots(costs, budget, ballots), "equalshares")
    assert len(widened) == 1 and widened[0] > 80  # the upward loop stepped past the kink
    assert list(outcome.selected) == exact(costs, budget, ballots, "approval") == ["S", "P"]


class _WrongBounds(engine.EqualSharesRun):
    """An engine whose float interval for one project is wrong, as if a bound had failed."""

    target = 0
    make = staticmethod(lambda bounds: bounds)

    def _bounds(self, p, exact):
        bounds = super()._bounds(p, exact)
        if p == self.target and self.ledger.rounds > 0:
            return self.make(bounds)
        return bounds


def run_wrong(monkeypatch, election, target, make):
    monkeypatch.setattr(_WrongBounds, "target", target)
    monkeypatch.setattr(_WrongBounds, "make", staticmethod(make))
    monkeypatch.setattr(equalshares, "EqualSharesRun", _WrongBounds)
    return run(election, "equalshares")


def test_an_interval_missing_the_price_is_retried_exactly_in_the_run(monkeypatch):
    costs, budget, ballots = kink_election()
    solves = record(monkeypatch, engine.EqualSharesRun, "_solve")
    # P's interval claims a price far below its true 80.
    outcome = run_wrong(
        monkeypatch, Election.from_ballots(costs, budget, ballots), 1, lambda b: (1.0, 2.0)
    )
    assert None in solves  # the first solve rejected the interval; the retry priced it
    assert list(outcome.selected) == exact(costs, budget, ballots, "approval")


def test_an_unaffordable_contender_is_dropped_and_the_round_looked_at_again(monkeypatch):
    # Round 1: S (4e14) by all four, 1e14 each, so each keeps 9e14. Then N (2.7e15 + 1) by
    # three of them is one unit short; B (1.2e15) by two of them fits. N is made to look
    # like the best buy, so the engine solves it, finds it unaffordable and looks again.
    costs = {"S": 4 * 10**14, "N": 27 * 10**14 + 1, "B": 12 * 10**14}
    ballots = [{"S", "N", "B"}, {"S", "N", "B"}, {"S", "N"}, {"S"}]
    election = Election.from_ballots(costs, 4 * 10**15, ballots)
    solves = record(monkeypatch, engine.EqualSharesRun, "_solve")
    outcome = run_wrong(monkeypatch, election, 1, lambda b: (1.0, 2.0) if b is None else b)
    # _bounds' own exact check said unaffordable (None, overridden); then the run's solve in
    # the claimed interval and its retry in [0, inf] both find it unaffordable.
    assert solves.count(None) == 3
    assert list(outcome.selected) == exact(costs, 4 * 10**15, ballots, "approval")
    assert outcome.selected == ("S", "B")


@settings(max_examples=60, deadline=None)
@given(elections(max_voters=8), SEEDS)
def test_sorting_on_every_price_gives_the_exact_outcome(data, seed):
    costs, budget, ballots, vote_type = data
    election = Election.from_ballots(costs, budget, ballots, vote_type)
    original = engine._PASSES
    engine._PASSES = 0  # every float root is found by the sort (a fixture cannot go in @given)
    try:
        outcome = run(election, "equalshares", seed)
    finally:
        engine._PASSES = original
    assert list(outcome.selected) == exact(costs, budget, ballots, vote_type, seed=seed)


ADD1 = ({"a": 7, "b": 5, "c": 4}, 12, [{"a", "b"}, {"a"}, {"b", "c"}, {"c"}, {"a", "c"}])


def test_certify_whose_root_is_nonsense_proves_nothing_and_add1_stays_exact(monkeypatch):
    nan = float("nan")
    monkeypatch.setattr(certify, "_root", lambda *a: (nan, 1.0, np.ones(len(a[0]), bool)))
    proofs = record(monkeypatch, certify._Interval, "run")
    bounds = record(monkeypatch, certify._Interval, "_price_bound")
    costs, budget, ballots = ADD1
    election = Election.from_ballots(costs, budget, ballots)
    outcome = run(election, "equalshares/add1")
    # Every proof attempt gave up (80 tries without a checked bound): _Unsure each time.
    assert proofs and all(isinstance(p, certify._Unsure) for p in proofs)
    assert bounds and all(isinstance(b, certify._Unsure) for b in bounds)
    assert list(outcome.selected) == exact(costs, budget, ballots, "approval", "equalshares/add1")


def test_certify_from_a_far_too_high_estimate_walks_down_to_zero(monkeypatch):
    # The estimate is 2**60 times the money: the upper bound is found at once, the lower one
    # only by stepping down until the trial price reaches 0, which is always a lower bound.
    monkeypatch.setattr(certify, "_root", lambda r, mb, mw, cost: (0.0, cost * 2.0**-60, None))
    bounds = record(monkeypatch, certify._Interval, "_price_bound")
    costs, budget, ballots = ADD1
    outcome = run(Election.from_ballots(costs, budget, ballots), "equalshares/add1")
    assert 0.0 in bounds
    assert list(outcome.selected) == exact(costs, budget, ballots, "approval", "equalshares/add1")


def test_root_asked_for_more_than_everyone_holds_sorts_instead_of_dividing_by_zero(monkeypatch):
    # Never asked by the engine (only affordable projects are priced), but guarded: once every
    # voter is short the slope is 0, so the fixed point stops and the sort answers.
    sorted_roots = record(monkeypatch, engine, "_root_by_sorting")
    ratio = np.array([1.0, 2.0, 3.0])
    paid, slope, rich = engine._root(ratio, ratio, np.ones(3), 100.0)
    assert len(sorted_roots) == 1
    assert (paid, slope, rich.tolist()) == (3.0, 1.0, [False, False, True])
