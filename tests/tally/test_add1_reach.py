"""Add1's guessed reach (certify.Attempt): what the guesses say, and that they never decide.

Each proof attempt guesses how wide a range from its start (``reach``) and from its end
(``ahead``) a proof would cover if prices and totals moved linearly with the endowment; Add1
sizes its next attempt from them. The first tests check each kind of guess on elections
where it can be worked out by hand (or checked by proofs just inside and just beyond it);
the last ones feed the schedule wrong guesses and check that only the number of attempts
changes, never the outcome.
"""

from __future__ import annotations

import math
import random
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pb.tally import Election, certify, run
from pb.tally import equalshares as es
from tests.tally.reference import weights_of
from tests.tally.test_add1_steps import plain_add1
from tests.tally.test_fallbacks import record
from tests.tally.test_properties import SEEDS, elections


def attempt(election, low, high):
    tally = es._Tally(election, "")
    counts = election.profile.counts
    return certify.attempt(tally.support, tally.costs, tally.ranks, counts, low, high)


def test_a_total_short_throughout_guesses_where_it_would_reach_the_cost():
    # X (10) has one supporter: from endowments 2..4 it is out of reach; the total rises one
    # for one with the endowment, so a range from 2 stays so up to 10 (8 wide), and from 4 on
    # for 6 more.
    election = Election.from_ballots({"X": 10}, 10, [{"X"}])
    proof = attempt(election, 2.0, 4.0)
    assert proof.chosen == []
    assert proof.reach == pytest.approx(8.0)
    assert proof.ahead == pytest.approx(6.0)
    assert attempt(election, 2.0, 9.9).chosen == []
    assert attempt(election, 2.0, 10.1).chosen is None


def test_only_projects_maybe_affordable_left_guess_where_they_become_so():
    # From 8 to 12, X may or may not be affordable: nothing is proven, and the guess from 8 is
    # the 2 it takes the total to reach X's cost (already passed at 12: negative ahead).
    election = Election.from_ballots({"X": 10}, 10, [{"X"}])
    proof = attempt(election, 8.0, 12.0)
    assert proof.chosen is None
    assert proof.reach == pytest.approx(2.0)
    assert proof.ahead == pytest.approx(-2.0)


COSTS = {"A": 5, "B": 8, "C": 20, "D": 6}
BALLOTS = [{"D", "B"}, {"A", "C"}, {"A", "C", "D", "B"}, {"A"}]


def test_a_falling_price_guesses_where_it_would_meet_the_winners(monkeypatch):
    # Found by a search over small elections: from an endowment of 5, in a later round a
    # losing project's price falls towards the winner's as the endowment rises, and that
    # comparison is what bounds the guess (the smallest of the recorded guesses, from run).
    election = Election.from_ballots(COSTS, 11, BALLOTS)
    guesses = []
    original = certify._Interval._guess

    def spy(self, at_low, at_high, fall):
        caller = sys._getframe(1).f_code.co_name
        if 0 < fall < math.inf:
            guesses.append((at_low / (fall / self.width), caller))
        return original(self, at_low, at_high, fall)

    monkeypatch.setattr(certify._Interval, "_guess", spy)
    proof = attempt(election, 5.0, 5.25)
    assert proof.chosen is not None
    assert min(guesses) == (pytest.approx(proof.reach), "run")
    # The guesses follow the margin at one endowment (the loser's price minus the winner's),
    # falling along one line: from low and from high they are one interval apart.
    assert proof.reach - proof.ahead == pytest.approx(0.25)
    reach = proof.reach
    assert attempt(election, 5.0, 5.0 + 0.9 * reach).chosen == proof.chosen
    assert attempt(election, 5.0, 5.0 + 1.1 * reach).chosen is None


def test_steps_in_a_guess():
    unit = Fraction(1, 100)
    assert es._steps(0.0, unit) == 0
    assert es._steps(-3.0, unit) == 0
    assert es._steps(math.nan, unit) == 0
    assert es._steps(0.031, unit) == 3
    assert es._steps(math.inf, unit) >= 1 << 60


WRONG = st.sampled_from([0.0, -1.0, math.nan, math.inf, 1e-9, 1e9])


@settings(max_examples=80, deadline=None)
@given(
    elections(max_projects=5, max_voters=6, max_cost=400),
    st.sampled_from([Fraction(1), Fraction(1, 3), Fraction(5, 2)]),
    SEEDS,
    st.lists(st.tuples(WRONG, WRONG), min_size=1, max_size=8),
)
def test_wrong_guesses_change_only_the_attempts_never_the_outcome(data, step, seed, wrong):
    costs, budget, ballots, vote_type = data
    election = Election.from_ballots(costs, budget, ballots, vote_type)
    original = certify.attempt
    calls = []

    def misled(*args):
        proof = original(*args)
        reach, ahead = wrong[len(calls) % len(wrong)]
        calls.append(proof)
        return certify.Attempt(proof.chosen, reach, ahead, proof.high)

    es.attempt = misled
    try:
        outcome = run(election, "equalshares/add1", seed, add1_step=step)
    finally:
        es.attempt = original
    weights = [weights_of(b, vote_type, len(costs)) for b in ballots]
    expected, k = plain_add1(costs, budget, weights, step, seed)
    assert list(outcome.selected) == expected
    assert outcome.add1_steps == k


@pytest.mark.parametrize("blind, narrowing", [(False, True), (True, True), (True, False)])
def test_a_fine_step_takes_a_handful_of_attempts(monkeypatch, blind, narrowing):
    # At a thousandth a step (2,333 steps) the schedule proves its way with a handful of
    # attempts. Told nothing (every guess infinite: it then asks for 1,024 times the last
    # width), the attempts still narrow themselves to just before each change; only with no
    # narrowing either does it take many (failing and halving). The outcome is always the
    # plain loop's.
    election = Election.from_ballots(COSTS, 6, BALLOTS)
    original = es._Tally.attempt
    proofs = []

    def counted(self, low, high, least=None):
        proof = original(self, low, high, least if narrowing else None)
        proofs.append(proof)
        return certify.Attempt(proof.chosen, math.inf, math.inf, proof.high) if blind else proof

    monkeypatch.setattr(es._Tally, "attempt", counted)
    runs = record(monkeypatch, es._Tally, "run")
    step = Fraction(1, 1000)
    outcome = run(election, "equalshares/add1", add1_step=step)
    weights = [weights_of(b, "approval", len(COSTS)) for b in BALLOTS]
    expected, k = plain_add1(COSTS, 6, weights, step, "")
    assert list(outcome.selected) == expected and outcome.add1_steps == k
    assert any(p.chosen is not None for p in proofs)
    if not narrowing:
        assert len(proofs) > 50 and any(p.chosen is None for p in proofs)
        return
    # No exact run but the one that explains the answer: each change is met by a proof that
    # ends just before it, and the one after starts at the changed step.
    assert len(runs) == 1 and len(proofs) <= 8
    # The step that overspends is reached by a proof from it on, not by its run (the
    # outcome proven there costs more than the budget).
    ids = election.project_ids
    spent = [sum(COSTS[ids[q]] for q in p.chosen) for p in proofs if p.chosen is not None]
    assert max(spent) > 6


def test_an_exact_tie_of_projects_everyone_pays_in_full_is_proven_for_a_whole_range(
    monkeypatch,
):
    # A (4) and B (6) have two supporters each: from an endowment of 3 everyone pays in full,
    # both cost 1/2 per unit of utility for every endowment, and the tie goes to the cheaper
    # A everywhere. A proof had to separate the two prices and never could: Add1 ran every
    # other step exactly (Częstochowa 2020 Raków has such a pair).
    election = Election.from_ballots({"A": 4, "B": 6}, 100, [{"A"}, {"A"}, {"B"}, {"B"}])
    tally = es._Tally(election, "")
    assert attempt(election, 3.5, 40.0).chosen == [0, 1]
    for endowment in (Fraction(7, 2), Fraction(17, 2), Fraction(40)):
        assert tally.run(endowment).chosen == [0, 1]
    # At exactly 3 B's supporters have just its price: the check keeps a margin for rounding.
    assert attempt(election, 3.0, 40.0).chosen is None
    monkeypatch.setattr(certify._Interval, "_loses_exactly", lambda self, p, winner: False)
    assert attempt(election, 3.5, 40.0).chosen is None


def test_a_tie_the_tie_order_gives_the_other_way_is_proven_too():
    # The same tie with the lottery deciding: whichever order the seed gives, a proof over
    # the whole range agrees with the exact run, and with the step-by-step loop.
    ballots = [{"A"}, {"A"}, {"B"}, {"B"}]
    costs = {"A": 5, "B": 5}
    for seed in ("a", "b", "c", "d"):
        election = Election.from_ballots(costs, 20, ballots)
        tally = es._Tally(election, seed)
        counts = election.profile.counts
        proof = certify.attempt(tally.support, tally.costs, tally.ranks, counts, 3.0, 9.0)
        assert proof.chosen == tally.run(Fraction(6)).chosen
        outcome = run(election, "equalshares/add1", seed, add1_step=Fraction(1, 100))
        weights = [weights_of(b, "approval", 2) for b in ballots]
        expected, k = plain_add1(costs, 20, weights, Fraction(1, 100), seed)
        assert list(outcome.selected) == expected and outcome.add1_steps == k


def test_lines_needed_to_stay_above_zero():
    # Each line is given by (lower bounds on) its values at 0 and at 1.
    assert certify._lines_needed([(1.0, 0.5)]) == 1
    # Above from 0 to 2/3 and from 1/3 to 1: together they cover [0, 1].
    assert certify._lines_needed([(2.0, -1.0), (-1.0, 2.0)]) == 2
    # Above up to 1/3 and from 2/3 on: a gap in the middle.
    assert certify._lines_needed([(1.0, -2.0), (-2.0, 1.0)]) == 0
    # Meeting at one point (both 0 at 1/2) is not enough: the loser could tie there.
    assert certify._lines_needed([(1.0, -1.0), (-1.0, 1.0)]) == 0
    # Above on (0, 1] and on [0, 1): together, everywhere.
    assert certify._lines_needed([(0.0, 1.0), (1.0, 0.0)]) == 2
    assert certify._lines_needed([(0.0, 1.0), (0.0, 1.0)]) == 0


# Found by a search over small elections: ranges a proof covers only by comparing the loser's
# price with the winner's at one endowment (the loser's lowest price over the range is below
# the winner's highest), with one of the loser's lines (the tangent at low or at high), or
# only with two of them together.
AT_ONE_ENDOWMENT = [
    (  # the loser's tangent at low
        1,
        {"A": 11, "B": 8, "C": 7, "D": 13},
        40,
        [
            {"A", "C"},
            {"B", "D"},
            {"A", "B", "D"},
            {"A", "B", "C", "D"},
            {"A", "C", "D"},
            {"A", "B", "D"},
        ],
        4.0,
        4.5,
    ),
    (  # the loser's tangent at high
        1,
        {"A": 10, "B": 18, "C": 14, "D": 10},
        22,
        [
            {"A", "C", "D"},
            {"A", "B"},
            {"A", "C"},
            {"A", "B", "C", "D"},
            {"B", "C", "D"},
            {"B", "D"},
            {"B"},
        ],
        5.0,
        6.0,
    ),
    (  # neither alone, both together
        2,
        {"A": 15, "B": 20, "C": 20, "D": 18, "E": 10},
        13,
        [
            {"B", "E"},
            {"A", "E"},
            {"D", "E"},
            {"B", "C", "D"},
            {"B", "C", "D"},
            {"A", "B", "D", "E"},
            {"A", "C", "D", "E"},
            {"A", "B", "C", "D", "E"},
            {"E"},
        ],
        4.0,
        6.0,
    ),
]


@pytest.mark.parametrize(("lines", "costs", "budget", "ballots", "low", "high"), AT_ONE_ENDOWMENT)
def test_a_proof_compares_the_prices_at_one_endowment(
    monkeypatch, lines, costs, budget, ballots, low, high
):
    election = Election.from_ballots(costs, budget, ballots)
    tally = es._Tally(election, "")
    needed = []
    original = certify._lines_needed

    def spy(gaps):
        needed.append(original(gaps))
        return needed[-1]

    monkeypatch.setattr(certify, "_lines_needed", spy)
    proof = attempt(election, low, high)
    assert proof.chosen is not None
    assert lines in needed and 0 not in needed
    if lines == 1:
        assert 2 not in needed
    # Every endowment in the range, at sixteenths, gives the proven outcome.
    for i in range(17):
        endowment = Fraction(low) + Fraction(high - low) * i / 16
        assert tally.run(endowment).chosen == proof.chosen
    # Comparing the loser's lowest price with the winner's highest, it cannot be proven.
    monkeypatch.setattr(certify._Interval, "_above", lambda self, *args: False)
    assert attempt(election, low, high).chosen is None


@pytest.mark.parametrize(("lines", "costs", "budget", "ballots", "low", "high"), AT_ONE_ENDOWMENT)
def test_with_no_tangent_a_proof_falls_back_and_stays_true(
    monkeypatch, lines, costs, budget, ballots, low, high
):
    # Were nobody left to pay at a price (never so: _root always leaves someone rich), a
    # project would have no tangent and a loser only its lowest price over the range: these
    # ranges are then not proven (each needs a tangent), and nothing else breaks.
    original = certify._Interval._tangent
    tangents = []

    def counted(self, p, *, at_high):
        tangents.append(original(self, p, at_high=at_high))
        return tangents[-1]

    monkeypatch.setattr(certify._Interval, "_tangent", counted)
    monkeypatch.setattr(certify, "_who_pays", lambda ratio, mb, mw, cost: (0.0, 0.0, ratio < -1.0))
    proof = attempt(Election.from_ballots(costs, budget, ballots), low, high)
    assert tangents and all(t is None for t in tangents)
    assert proof.chosen is None


def test_with_no_tangent_add1_charges_winners_at_their_lowest_price(monkeypatch):
    # The same without tangents, over whole Add1 counts of small elections (a fixed sample):
    # winners that not everyone pays in full are charged at their lowest price at both ends,
    # and every outcome is still the plain loop's.
    original = certify._Interval._under
    fallbacks = []

    def counted(self, p, t_lo):
        under = original(self, p, t_lo)
        fallbacks.append(p not in self.fixed and under == (t_lo, t_lo))
        return under

    monkeypatch.setattr(certify._Interval, "_under", counted)
    monkeypatch.setattr(certify, "_who_pays", lambda ratio, mb, mw, cost: (0.0, 0.0, ratio < -1.0))
    rng = random.Random(13)
    step = Fraction(1, 4)
    for _ in range(30):
        names = "ABCDE"[: rng.randint(2, 5)]
        costs = {x: rng.randint(2, 20) for x in names}
        ballots = [set(rng.sample(names, rng.randint(1, len(names)))) for _ in range(7)]
        budget = rng.randint(5, 40)
        election = Election.from_ballots(costs, budget, ballots)
        outcome = run(election, "equalshares/add1", add1_step=step)
        weights = [weights_of(b, "approval", len(costs)) for b in ballots]
        expected, k = plain_add1(costs, budget, weights, step, "")
        assert list(outcome.selected) == expected and outcome.add1_steps == k
    assert any(fallbacks)


def narrowed(election, low, high, least, seed=""):
    tally = es._Tally(election, seed)
    counts = election.profile.counts
    return certify.attempt(tally.support, tally.costs, tally.ranks, counts, low, high, least)


def test_a_range_across_a_project_coming_within_reach_narrows_to_just_before_it():
    # X (10) has one supporter: it becomes affordable at an endowment of 10. From 8 to 12 no
    # one outcome holds; allowed to, the attempt cuts its range a little before 10 and proves
    # that nothing is funded there, but never past 10, and never below what it was asked for.
    election = Election.from_ballots({"X": 10}, 10, [{"X"}])
    assert narrowed(election, 8.0, 12.0, None).chosen is None
    proof = narrowed(election, 8.0, 12.0, 9.0)
    assert proof.chosen == [] and 9.9 < proof.high < 10.0
    assert proof.ahead == pytest.approx(10.0 - proof.high, abs=1e-9)
    assert es._Tally(election, "").run(Fraction(proof.high)).chosen == []
    assert narrowed(election, 8.0, 12.0, 10.0).chosen is None  # cannot cut that late


def test_a_range_across_a_swap_narrows_to_just_before_it():
    # The election of test_a_falling_price...: a loser's price falls to the winner's a little
    # after 5 + reach. Asked for more than that, the attempt narrows and proves what the
    # shorter range proves, up to an end where the exact run agrees.
    election = Election.from_ballots(COSTS, 11, BALLOTS)
    reach = attempt(election, 5.0, 5.25).reach
    short = attempt(election, 5.0, 5.0 + 0.9 * reach).chosen
    assert attempt(election, 5.0, 5.0 + 2 * reach).chosen is None
    proof = narrowed(election, 5.0, 5.0 + 2 * reach, 5.0 + 0.5 * reach)
    assert proof.chosen == short
    assert 5.0 + 0.5 * reach <= proof.high < 5.0 + 2 * reach
    assert es._Tally(election, "").run(Fraction(proof.high)).chosen == short


@settings(max_examples=150, deadline=None)
@given(
    elections(max_projects=5, max_voters=6, max_cost=60),
    st.integers(0, 40),
    st.integers(1, 40),
    st.floats(0.0, 1.0),
    SEEDS,
)
def test_a_narrowed_range_gives_its_outcome_at_every_endowment_in_it(
    data, start, width, share, seed
):
    costs, budget, ballots, vote_type = data
    election = Election.from_ballots(costs, budget, ballots, vote_type)
    low, high = start / 4, (start + width) / 4
    least = low + share * (high - low)
    proof = narrowed(election, low, high, least, seed)
    if proof.chosen is None:
        return
    assert least <= proof.high <= high
    tally = es._Tally(election, seed)
    for x in (0, Fraction(1, 3), Fraction(1, 2), Fraction(7, 8), 1):
        endowment = Fraction(low) + x * (Fraction(proof.high) - Fraction(low))
        assert tally.run(endowment).chosen == proof.chosen
