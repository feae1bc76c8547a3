"""Checking API responses against the OpenAPI document the API itself serves.

The schema for a path and status is found through the document's `paths` (following a
`$ref` to a shared response), and every `$ref` inside it is resolved against the document.
"""

from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

DOCUMENT_URI = "urn:pb:open-data-api"


def _pointer(parts) -> str:
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class Contract:
    def __init__(self, document: dict):
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT4)
        self.registry = Registry().with_resource(DOCUMENT_URI, resource)

    def validator(self, *parts) -> OAS30Validator:
        """A validator for the schema at this place in the document."""
        schema = {"$ref": f"{DOCUMENT_URI}#/{_pointer(parts)}"}
        return OAS30Validator(schema, registry=self.registry, format_checker=oas30_format_checker)

    def response_schema_place(self, template: str, status: int) -> tuple:
        paths = self.document["paths"]
        assert template in paths, f"{template} is not in the document's paths"
        responses = paths[template]["get"]["responses"]
        assert str(status) in responses, f"{status} is not documented for GET {template}"
        place: tuple = ("paths", template, "get", "responses", str(status))
        ref = responses[str(status)].get("$ref")
        if ref:
            place = tuple(ref.removeprefix("#/").split("/"))
        return (*place, "content", "application/json", "schema")

    def check(self, response, template: str) -> dict:
        """Assert that the response is JSON matching the document; return the JSON."""
        assert response.mimetype == "application/json", response.data[:200]
        body = response.get_json()
        place = self.response_schema_place(template, response.status_code)
        self.validator(*place).validate(body)
        return body

    def check_error(self, response, status: int) -> dict:
        """An error without an operation of its own (405, unknown address): the Error schema."""
        assert response.status_code == status
        assert response.mimetype == "application/json"
        body = response.get_json()
        self.validator("components", "schemas", "Error").validate(body)
        assert body["error"]["status"] == status
        return body
