"""Input that PostgreSQL refuses never gets that far (issue 14: 48 server errors on PostgreSQL).

NUL bytes in any form or query, ids beyond a 32-bit column, ballot values that look like
numbers to str.isdigit() but not to int(), amounts beyond a BIGINT, and a nonce copied from
another voter's form: each is refused with a message, and nothing is written. These run on
SQLite and, in CI, on PostgreSQL, where each of them used to be a 500.
"""

import re

import pytest

from pb.input import MAX_ID, parse_id
from pb.voting.models import Ballot, Participation
from tests.factories import PASSWORD, make_pot, make_proposal, make_user
from tests.test_hostile_input import _row_counts

NUL = "a\x00b"


def _nul_forms(world):
    pot, voting = world.proposals_pot.id, world.voting_pot.id
    return [
        ("anonymous", "/login", {"email": NUL, "password": NUL}),
        ("anonymous", "/register", {"email": "x@example.org", "display_name": NUL}),
        ("anonymous", "/password/forgot", {"email": NUL}),
        ("anonymous", "/receipts/check", {"code": NUL}),
        ("resident", "/account", {"display_name": NUL, "postcode": "AB1 1AA"}),
        ("resident", f"/pots/{pot}/proposals/new", {"title": NUL, "summary": "s", "cost": "5"}),
        ("admin", f"/panel/pots/{voting}/codes", {"label": NUL, "count": "3"}),
        ("admin", f"/panel/pots/{voting}/paper/voters", {"identifier": NUL}),
        ("admin", f"/panel/pots/{voting}/paper/batches", {"number": "1", "ballots": NUL}),
        ("admin", "/panel/roles/", {"email": NUL, "role": "auditor"}),
        ("admin", "/panel/pots/new", {"name": NUL, "amount": "10", "year": "2026"}),
        ("admin", f"/panel/pots/{voting}/settings", {"name": NUL}),
    ]


def _as(client, who):
    if who != "anonymous":
        user = make_user(roles=[("admin", None)] if who == "admin" else [])
        client.post("/login", data={"email": user.email, "password": PASSWORD})


@pytest.mark.parametrize("case", range(12))
def test_nul_bytes_in_any_form_are_refused_with_a_message(app, world, case):
    who, path, data = _nul_forms(world)[case]
    client = app.test_client()
    _as(client, who)
    before = _row_counts()
    response = client.post(path, data=data)
    assert response.status_code == 400, (path, response.status_code)
    assert "NUL character" in response.text
    assert _row_counts() == before


@pytest.mark.parametrize(
    "path", ["/pots/{pot}/proposals?q=a%00b", "/?q=%00", "/goes-local?council=%00"]
)
def test_nul_bytes_in_a_search_are_refused(client, world, path):
    response = client.get(path.format(pot=world.proposals_pot.id))
    assert response.status_code == 400 and "NUL character" in response.text


def test_nul_bytes_in_json_are_refused(client):
    assert client.post("/api/v1/pots", json={"name": ["x\x00"]}).status_code == 400


BIG = ["3000000000", str(2**31), str(2**63), "9" * 40]


@pytest.mark.parametrize("big", BIG)
@pytest.mark.parametrize(
    "template",
    [
        "/pots/{id}",
        "/pots/{id}/results",
        "/pots/{id}/audit.zip",
        "/pots/{id}/proposals",
        "/pots/{id}/ballot",
        "/proposals/{id}",
        "/proposals/{id}/edit",
        "/panel/pots/{id}",
        "/panel/pots/{id}/codes/{id}",
        "/panel/proposals/{id}/review",
        "/api/v1/pots/{id}",
        "/goes-local?council={id}",
    ],
)
def test_ids_beyond_a_column_are_not_found(client, login, template, big):
    login(make_user(roles=[("admin", None)]))
    assert client.get(template.format(id=big)).status_code == 404


def test_the_largest_id_still_matches_its_route(client):
    assert client.get(f"/pots/{MAX_ID}").status_code == 404  # no such pot, but no error
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(str(MAX_ID + 1)) is None
    assert [parse_id(t) for t in ("²", "--5", "-1", "1e3", " 7 ", "٣")] == [None] * 4 + [7, None]


@pytest.mark.parametrize("value", ["--5", "²", "٣", "1e3", "0x10", "9" * 12, "+-1"])
def test_ballot_values_that_are_not_plain_numbers_are_refused(app, world, value):
    for method in ("approval", "ranked", "points"):
        pot = make_pot(world.council, world.north, ballot_method=method, points_total=10)
        project = make_proposal(pot)
        client = app.test_client()
        _as(client, "resident")
        field = {"approval": "choices", "ranked": f"rank-{project.id}"}.get(
            method, f"points-{project.id}"
        )
        data = {field: value} if method != "approval" else {"choices": [value]}
        response = client.post(f"/pots/{pot.id}/ballot", data=data)
        assert response.status_code == 422, (method, value)
        assert "whole number" in response.text


@pytest.mark.parametrize("amount", ["1" + "0" * 30, "10000000001", "99999999999999999999.99"])
def test_amounts_beyond_what_a_column_holds_are_refused(client, login, world, amount):
    login(make_user(roles=[("admin", None)]))
    before = _row_counts()
    response = client.post(
        "/panel/pots/new",
        data={"name": "Huge", "amount": amount, "year": "2026", "ward_id": ""},
    )
    assert response.status_code == 422
    assert "at most £10,000,000,000" in response.text
    assert _row_counts() == before


def _nonce(client, pot, choice):
    page = client.post(
        f"/pots/{pot.id}/ballot", data={"choices": [str(choice)]}, follow_redirects=True
    ).text
    return re.search(r'name="nonce" value="([^"]+)"', page).group(1)


def test_a_nonce_from_another_voters_form_is_refused(app, world):
    pot, choice = world.voting_pot, world.on_ballot[0].id
    alice, bob = app.test_client(), app.test_client()
    _as(alice, "resident")
    _as(bob, "resident")
    stolen = _nonce(alice, pot, choice)
    cast = {"choices": [str(choice)], "nonce": stolen}
    assert alice.post(f"/pots/{pot.id}/ballot/cast", data=cast).status_code == 303
    before = _row_counts()
    response = bob.post(f"/pots/{pot.id}/ballot/cast", data=cast)
    assert response.status_code == 400 and "start your ballot again" in response.text
    assert _row_counts() == before
    # A made-up nonce, or one issued for another pot, fares no better.
    other = make_pot(world.council, world.north)
    for nonce in ("x" * 40, stolen):
        response = bob.post(f"/pots/{other.id}/ballot/cast", data={**cast, "nonce": nonce})
        assert response.status_code in (400, 403)
    assert _row_counts()[Ballot.__tablename__] == before[Ballot.__tablename__]
    assert _row_counts()[Participation.__tablename__] == before[Participation.__tablename__]
