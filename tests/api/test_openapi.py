"""The OpenAPI document: valid OpenAPI 3.0, covering every API route, and with teeth."""

import re

import pytest
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator

import pb

POT = "/api/v1/pots/{pot_id}"


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document, node):
    """The object a `$ref` points to (or the node itself); fails when it points nowhere."""
    ref = node.get("$ref")
    if ref is None:
        return node
    assert ref.startswith("#/"), ref
    target = document
    for part in ref[2:].split("/"):
        assert part in target, f"{ref} points nowhere"
        target = target[part]
    return target


def test_the_document_is_openapi_3(contract):
    document = contract.document
    try:  # the full validator, where it is installed
        from openapi_spec_validator import validate
    except ImportError:
        validate = None
    if validate is not None:
        validate(document)

    assert document["openapi"] == "3.0.3"
    assert document["info"]["version"] == pb.__version__
    assert document["info"]["title"]
    for schema in document["components"]["schemas"].values():
        OAS30Validator.check_schema(schema)
    for ref in _refs(document):
        assert _resolve(document, {"$ref": ref}), ref
    operation_ids = []
    for template, item in document["paths"].items():
        assert template.startswith("/api/v1/")
        assert set(item) == {"get"}, template
        operation = item["get"]
        parameters = [_resolve(document, p) for p in operation.get("parameters", [])]
        in_path = {p["name"] for p in parameters if p["in"] == "path"}
        assert in_path == set(re.findall(r"{(\w+)}", template)), template
        for status, response in operation["responses"].items():
            response = _resolve(document, response)
            assert response["description"]
            assert "application/json" in response["content"], (template, status)
        assert "200" in operation["responses"]
        operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))


def test_every_api_route_is_in_the_document(app, contract):
    routed = set()
    for rule in app.url_map.iter_rules():
        # api.unknown answers a JSON 404 for any address under /api/v1 that nothing else takes.
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.unknown":
            continue
        assert "GET" in rule.methods, rule
        routed.add(re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule))
    documented = set(contract.document["paths"])
    assert routed - documented == set(), "routes missing from openapi.json paths"
    assert documented - routed == set(), "paths in openapi.json with no route"
    assert len(routed) == 10


def test_the_document_describes_itself(client, contract):
    response = client.get("/api/v1/openapi.json")
    assert contract.check(response, "/api/v1/openapi.json")["openapi"] == "3.0.3"


def test_the_check_rejects_what_the_document_does_not_allow(client, contract, world):
    body = contract.check(client.get(f"/api/v1/pots/{world.voting_pot.id}"), POT)
    validator = contract.validator(*contract.response_schema_place(POT, 200))
    without_seed = {key: value for key, value in body.items() if key != "seed"}
    for broken in (
        {**body, "amount_minor": "1000.00"},  # money as text
        {**body, "amount_minor": 1000.5},  # money not in whole pence
        {**body, "currency": "pounds"},  # not an ISO 4217 code
        {**body, "proposer_email": "someone@example.org"},  # a field the document lacks
        without_seed,  # a field the document promises
        {**body, "links": {**body["links"], "self": None}},  # inside a nested object
        {**body, "phase": "draft"},  # drafts are never public
    ):
        with pytest.raises(ValidationError):
            validator.validate(broken)
    with pytest.raises(AssertionError, match="not documented"):
        contract.response_schema_place(POT, 500)
