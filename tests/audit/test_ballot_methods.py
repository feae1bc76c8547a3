"""Ranked and points pots: their audit packages hold and `pb verify` re-counts them."""

import json
import re

import pytest
from click.testing import CliRunner

from pb.audit import package, signing
from pb.cli import cli
from tests.audit.test_package import _login
from tests.factories import (
    make_key_through,
    make_pot,
    make_proposal,
    make_user,
    open_through,
    publish_through,
)

SETTINGS = {
    "ranked": {"ballot_method": "ranked", "min_picks": 1, "max_picks": 3},
    "points": {"ballot_method": "points", "points_total": 10, "points_max": 6, "min_picks": 1},
}


def _forms(method, ids):
    """Each voter's ballot form: ranks (1 = first choice) or points, by proposal."""
    a, b, c = ids
    if method == "ranked":
        ballots = [{a: 1, b: 2}, {b: 1}, {c: 1, a: 2, b: 3}]
        prefix = "rank"
    else:
        ballots = [{a: 6, b: 4}, {b: 5, c: 5}, {c: 6, a: 4}]
        prefix = "points"
    return [{f"{prefix}-{pid}": str(value) for pid, value in ballot.items()} for ballot in ballots]


def _cast(app, pot, data):
    client = _login(app, make_user())
    review = client.post(f"/pots/{pot.id}/ballot", data=data, follow_redirects=True)
    assert review.status_code == 200, review.text
    nonce = re.search(r'name="nonce" value="([^"]+)"', review.text).group(1)
    response = client.post(f"/pots/{pot.id}/ballot/cast", data={**data, "nonce": nonce})
    assert response.status_code == 303, response.text


@pytest.mark.parametrize("method", sorted(SETTINGS))
def test_a_published_pot_of_each_ballot_method_verifies(app, world, tmp_path, method):
    """Through the panel's and residents' pages, as the approval pot of test_package.py."""
    pot = make_pot(world.council, world.north, phase="review", amount=100_000, **SETTINGS[method])
    ids = [make_proposal(pot, cost=cost).id for cost in (60_000, 30_000, 50_000)]
    panel = _login(app, make_user(roles=[("panel", world.north.id)]))
    key = make_key_through(panel, pot)
    phase = f"/panel/pots/{pot.id}/phase"
    assert panel.post(phase, data={"action": "open_voting"}).status_code == 303
    for data in _forms(method, ids):
        _cast(app, pot, data)
    assert panel.post(phase, data={"action": "close_voting"}).status_code == 303
    assert open_through(panel, pot, key).status_code == 303
    assert panel.post(f"/panel/pots/{pot.id}/tally").status_code == 303
    assert publish_through(panel, pot).status_code == 303
    path = tmp_path / f"{method}.zip"
    path.write_bytes(package.build(pot))

    key = signing.fingerprint_of(pot.council)
    result = CliRunner().invoke(cli, ["verify", str(path), "--json", "--public-key", key])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] is True
    recount = [c for c in report["checks"] if c["check"] == "re-count matches results.json"]
    assert recount and recount[0]["ok"]
