"""GET /api/v1/pots/<id>/results: 404 until published, then the newest result and its history."""

import hashlib
from datetime import UTC, datetime

from pb.results.services import run_tally
from tests.factories import make_user

RESULTS = "/api/v1/pots/{pot_id}/results"


def _results(client, pot):
    return client.get(f"/api/v1/pots/{pot.id}/results")


def test_no_results_while_voting(client, contract, world):
    response = _results(client, world.voting_pot)
    assert response.status_code == 404
    assert "not published" in contract.check(response, RESULTS)["error"]["message"]


def test_a_tally_that_is_not_published_stays_hidden(client, contract, world):
    pot = world.voting_pot
    pot.commit_to_seed()
    pot.close_voting()
    pot.open_envelopes()
    run_tally(pot, make_user(roles=[("admin", None)]))  # the panel's preview
    response = _results(client, pot)
    assert response.status_code == 404
    contract.check(response, RESULTS)
    assert pot.seed not in response.text


def test_published_results_are_the_stored_result(client, contract, published):
    pot, result = published.pot, published.result
    body = contract.check(_results(client, pot), RESULTS)
    assert body["selected"] == [int(pid) for pid in result.selected]
    assert body["selected"] == [published.benches.id, published.alpha.id]
    assert (body["budget_minor"], body["total_cost_minor"]) == (100_000, 90_000)
    assert body["currency"] == "GBP"
    assert (body["ballots_online"], body["ballots_paper"]) == (5, 1)
    assert (body["version"], body["correction_reason"], body["rule"]) == (1, None, "greedy")
    assert body["seed"] == pot.seed == result.seed
    assert hashlib.sha256(body["seed"].encode()).hexdigest() == body["seed_sha256"]
    assert body["covered_share"] == result.outcome["covered_share"]
    assert datetime.fromisoformat(body["published_at"]).tzinfo is not None
    assert body["earlier_versions"] == []
    projects = [(p["id"], p["cost_minor"], p["score"], p["selected"]) for p in body["projects"]]
    assert projects == [
        (published.benches.id, 30_000, 4, True),
        (published.alpha.id, 60_000, 3, True),
        (published.crossing.id, 50_000, 2, False),
    ]
    crossing = body["projects"][2]
    assert (crossing["title"], crossing["round"], crossing["supporters"]) == ("Crossing", None, 2)
    assert crossing["reason"] == "Did not fit: £100 left, needed £500."
    assert body["projects"][0]["round"] == 1


def test_a_correction_is_the_newest_and_the_first_version_stays_listed(client, contract, published):
    first = published.result
    corrected = published.correct("A paper batch of two ballots was missed.")
    body = contract.check(_results(client, published.pot), RESULTS)
    assert body["version"] == corrected.version == 2
    assert body["correction_reason"] == "A paper batch of two ballots was missed."
    assert body["selected"] == [int(pid) for pid in corrected.selected]
    assert published.crossing.id in body["selected"]
    assert body["ballots_paper"] == 3
    assert [(v["version"], v["correction_reason"]) for v in body["earlier_versions"]] == [(1, None)]
    earlier = datetime.fromisoformat(body["earlier_versions"][0]["published_at"])
    assert earlier == first.published_at.replace(tzinfo=UTC)
    assert earlier <= datetime.fromisoformat(body["published_at"])
