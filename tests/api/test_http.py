"""The API over HTTP: read-only, JSON errors everywhere under /api/v1, open to every origin."""

import pytest

from tests.factories import make_user

READ_ONLY = [
    "/api/v1/pots",
    "/api/v1/pots/{pot_id}",
    "/api/v1/pots/{pot_id}/proposals",
    "/api/v1/pots/{pot_id}/results",
    "/api/v1/goes-local",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_refused_with_a_json_405(client, contract, world, method):
    for template in READ_ONLY:
        path = template.format(pot_id=world.voting_pot.id)
        response = client.open(path, method=method, data={"name": "Changed"})
        contract.check_error(response, 405)
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"/api/v1/pots/{world.voting_pot.id}").get_json()["name"] == "North fund"


def test_writes_are_refused_for_staff_too(client, contract, login, world):
    login(make_user(roles=[("admin", None)]))
    response = client.delete(f"/api/v1/pots/{world.voting_pot.id}")
    contract.check_error(response, 405)


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing", "/api/v1/pots/abc", "/api/v1/pots/1/ballots", "/api/v1/pots/"]
)
def test_unknown_addresses_are_json_404s(client, contract, path):
    for method in ("GET", "POST"):
        response = client.open(path, method=method)
        contract.check_error(response, 404)
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_every_answer_is_open_to_other_sites(client, world):
    for path in ("/api/v1/pots", "/api/v1/pots/999999", "/api/v1/goes-local?year=x"):
        response = client.get(path)
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
    # ... but the site's own pages are not.
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_a_preflight_request_is_answered(client):
    response = client.options("/api/v1/pots")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_head_works_like_get(client, world):
    response = client.head("/api/v1/pots")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.data == b""


def test_an_unexpected_failure_is_still_json(app, client, contract, monkeypatch):
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr("pb.api.services.pot_listing", broken)
    monkeypatch.setattr(app, "testing", False)  # in tests, failures are raised instead
    monkeypatch.setattr(app.logger, "disabled", True)
    response = client.get("/api/v1/pots")
    body = contract.check_error(response, 500)
    assert "database" not in body["error"]["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
