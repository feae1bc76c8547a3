"""Add1 at the pot's own step and the comparison step, from the panel's count to pb verify."""

import json
import zipfile

from pb.audit import package
from pb.audit.verify import verify
from pb.extensions import db
from pb.results.services import publish, run_tally
from tests.factories import make_pot, make_proposal, make_user
from tests.results.published import cast, text_of

# Odd pence on purpose: the old count stepped by gcd(100, costs) = 1p here.
COSTS = {"Alpha garden": 60_001, "Benches": 30_000, "Crossing": 50_000, "Dog bins": 20_000}
BALLOTS = [["Alpha garden", "Benches"]] * 5 + [["Crossing"]] * 3 + [["Dog bins"]] * 2


def _published(world, rule, what_if=True, **settings):
    admin = make_user(roles=[("admin", None)])
    pot = make_pot(
        world.council, world.north, phase="closed", rule=rule, amount=100_000, **settings
    )
    pot.commit_to_seed()  # as opening voting does; the package's verifier needs the commitment
    proposals = {t: make_proposal(pot, cost=c, title=t) for t, c in COSTS.items()}
    cast(pot, proposals, BALLOTS)
    result = run_tally(pot, admin, what_if=what_if)
    publish(pot, admin)
    db.session.commit()
    return pot, result


def test_add1_steps_by_the_pots_setting_not_by_the_odd_pence(world):
    pot, result = _published(world, "equalshares/add1")
    assert pot.add1_step == 100
    assert result.outcome["add1_step"] == 100
    coarse, _ = _published(world, "equalshares/add1", add1_step=5_000)
    assert coarse.add1_step == 5_000
    assert db.session.get(type(result), result.id).outcome["add1_step"] == 100


def test_the_results_page_shows_the_step_and_both_outcomes_with_the_vote(client, world):
    pot, result = _published(world, "equalshares/add1-comparison")
    vote = result.outcome["comparison"]
    assert vote["prefer_equal_shares"] + vote["prefer_greedy"] + vote["indifferent"] == 10
    page = text_of(client.get(f"/pots/{pot.id}/results").text)
    assert "each voter's share was raised by £1 a step" in page
    assert "Equal Shares compared with most votes first" in page
    assert (
        f"{vote['prefer_greedy']} Chosen" in page or f"{vote['prefer_greedy']} Not chosen" in page
    )


def test_verify_re_counts_with_the_step_and_re_checks_the_comparison(world, tmp_path):
    pot, _ = _published(world, "equalshares/add1-comparison", add1_step=100)
    path = tmp_path / "package.zip"
    path.write_bytes(package.build(pot))
    # Built directly (no cast events in the chain), so only the count's checks apply here.
    checks = {check.name: check.ok for check in verify(path).checks}
    assert checks["re-count matches results.json"] is True
    assert checks["comparison step matches results.json"] is True
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["add1_step"] == 100


def test_a_tampered_vote_count_is_caught(world, tmp_path):
    from pb.audit.chain import canonical
    from tests.audit.test_package import _files, _repack

    pot, _ = _published(world, "equalshares-comparison")
    path = tmp_path / "package.zip"
    path.write_bytes(package.build(pot))
    files = _files(path)
    results = json.loads(files["results.json"])
    results["outcome"]["comparison"]["prefer_greedy"] += 1
    files["results.json"] = canonical(results)
    report = verify(_repack(path, files))
    assert any(f.startswith("comparison step matches") for f in report.failures)


def test_fairness_figures_side_by_side_on_the_page_and_in_the_api(client, world):
    pot, result = _published(world, "equalshares")
    fair = result.outcome["fairness"]
    assert fair["chosen"]["rule"] == "equalshares" and fair["other"]["rule"] == "greedy"
    backed = [set(b) for b in BALLOTS]
    for side in ("chosen", "other"):
        rule = fair[side]["rule"]
        funded = result.outcome["selected"] if side == "chosen" else None
        if funded is not None:
            titles = {p.title for p in pot_proposals(pot) if str(p.id) in funded}
            covered = sum(1 for b in backed if b & titles)
            assert fair[side]["covered_voters"] == covered, rule
    page = text_of(client.get(f"/pots/{pot.id}/results").text)
    assert "Was it fair?" in page and "Ballots that funded nothing" in page
    api = client.get(f"/api/v1/pots/{pot.id}/results").get_json()
    assert api["fairness"] == fair


def pot_proposals(pot):
    from sqlalchemy import select

    from pb.proposals.models import Proposal

    return db.session.scalars(select(Proposal).where(Proposal.pot_id == pot.id))


def test_what_it_would_take_in_words_in_the_api_and_re_checked_by_verify(client, world, tmp_path):
    from pb.audit.chain import canonical
    from tests.audit.test_package import _files, _repack

    pot, result = _published(world, "equalshares")
    figures = result.outcome["what_it_would_take"]
    assert figures and all(f["max_cost_exact"] for f in figures)
    page = text_of(client.get(f"/pots/{pot.id}/results").text)
    assert "It would have been funded at £" in page
    api = client.get(f"/api/v1/pots/{pot.id}/results").get_json()
    assert api["what_it_would_take"] == figures
    path = tmp_path / "package.zip"
    path.write_bytes(package.build(pot))
    checks = {check.name: check.ok for check in verify(path).checks}
    assert checks["what it would take matches results.json"] is True
    files = _files(path)
    results = json.loads(files["results.json"])
    results["outcome"]["what_it_would_take"][0]["max_cost"] = 1
    files["results.json"] = canonical(results)
    report = verify(_repack(path, files))
    assert any(f.startswith("what it would take matches") for f in report.failures)
