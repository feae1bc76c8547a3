"""The OpenAPI 3.0 document that describes the open data API, served at /api/v1/openapi.json.

Every object schema lists all its fields as required and allows no others, so the tests that
check each response against this document also catch a field added or dropped by accident.
"""

from functools import cache

from pb import __version__
from pb.assets.models import AssetKind
from pb.pots.models import BALLOT_METHODS, ELIGIBILITY_MODES, PHASES, RULES
from pb.proposals.models import CATEGORIES, DELIVERY_STATUSES, STATUSES

MINOR = {
    "type": "integer",
    "format": "int64",
    "minimum": 0,
    "description": "Integer minor units of `currency` (pence for GBP, grosze for PLN, cents "
    "for EUR; as many decimal places of the major unit as ISO 4217 gives it).",
}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}
TEXT = {"type": "string"}
DAY = {"type": "string", "format": "date", "nullable": True}
MOMENT = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
CURRENCY = {
    "type": "string",
    "pattern": "^[A-Z]{3}$",
    "description": "ISO 4217 code (GBP unless the council keeps its books in another); every "
    "*_pence amount is in its minor units.",
}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _object(properties: dict, description: str | None = None, **extra) -> dict:
    schema = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
        **extra,
    }
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _translations(fields: tuple[str, ...]) -> dict:
    """The other languages' versions: {"cy": {"name": "...", ...}}, keyed by locale code."""
    version = {
        "type": "object",
        "properties": {name: TEXT for name in fields},
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "additionalProperties": version,
        "description": "The text in the council's other languages, by locale code (cy, pl...); "
        "a language missing here, or a field missing in it, is not translated yet.",
    }


LANGUAGE = {**TEXT, "description": "BCP 47 tag of the language the main text is written in."}

SCHEMAS = {
    "Error": _object(
        {
            "error": _object(
                {
                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                    "message": TEXT,
                }
            )
        },
        "What went wrong, with the HTTP status repeated.",
    ),
    "Pot": _object(
        {
            "id": ID,
            "name": TEXT,
            "description": TEXT,
            "language": LANGUAGE,
            "translations": _translations(("name", "description")),
            "area": {**TEXT, "description": 'The ward\'s name, or "All wards".'},
            "ward_code": _nullable({**TEXT, "description": "ONS ward code; null: council-wide."}),
            "year": {"type": "integer"},
            "phase": {"type": "string", "enum": [p for p in PHASES if p != "draft"]},
            "phase_label": TEXT,
            "currency": CURRENCY,
            "amount_minor": MINOR,
            "ballot_method": {"type": "string", "enum": list(BALLOT_METHODS)},
            "min_picks": {"type": "integer", "minimum": 0},
            "max_picks": _nullable({"type": "integer", "minimum": 0}),
            "spending_cap_minor": _nullable(MINOR),
            "points_total": _nullable({"type": "integer", "minimum": 0}),
            "points_max": _nullable({"type": "integer", "minimum": 0}),
            "rule": {"type": "string", "enum": list(RULES)},
            "eligibility_mode": {"type": "string", "enum": list(ELIGIBILITY_MODES)},
            "min_age": _nullable({"type": "integer", "minimum": 0}),
            "timeline": _object(
                {
                    "proposals_open_on": DAY,
                    "review_starts_on": DAY,
                    "voting_opens_on": DAY,
                    "voting_closes_on": DAY,
                    "results_on": DAY,
                    "voting_opened_at": _nullable(MOMENT),
                    "voting_closed_at": _nullable(MOMENT),
                },
                "Planned dates (*_on), and when voting actually opened and closed (*_at).",
            ),
            "seed_sha256": _nullable(
                {
                    "type": "string",
                    "pattern": "^[0-9a-f]{64}$",
                    "description": "SHA-256 of the tie-break seed, public once voting opens.",
                }
            ),
            "seed": _nullable(
                {**TEXT, "description": "The tie-break seed, revealed with the results."}
            ),
            "proposal_count": COUNT,
            "links": _object(
                {
                    "self": URL,
                    "proposals": URL,
                    "results": _nullable({**URL, "description": "Null until published."}),
                    "html": URL,
                }
            ),
        },
        "A pot: money devolved to one ward (or council-wide) for residents to allocate.",
    ),
    "PotList": _object({"pots": _array(_ref("Pot"))}, "Every pot residents can see."),
    "Proposal": _object(
        {
            "id": ID,
            "title": TEXT,
            "summary": TEXT,
            "language": LANGUAGE,
            "translations": _translations(("title", "summary")),
            "cost_minor": MINOR,
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "status": {"type": "string", "enum": list(STATUSES)},
            "review_note": _nullable({**TEXT, "description": "The ward panel's public review."}),
            "merged_into": _nullable({**ID, "description": "Id of the proposal it joined."}),
            "delivery": _object(
                {
                    "status": {"type": "string", "enum": list(DELIVERY_STATUSES)},
                    "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                },
                "Delivery of a funded project; null until it starts being tracked.",
                nullable=True,
            ),
            "links": _object({"html": URL}),
        },
        "A proposed project. Who proposed it is not open data.",
    ),
    "ProposalList": _object(
        {"pot_id": ID, "currency": CURRENCY, "proposals": _array(_ref("Proposal"))}
    ),
    "ResultProject": _object(
        {
            "id": ID,
            "title": _nullable(TEXT),
            "cost_minor": MINOR,
            "score": {
                "type": "integer",
                "minimum": 0,
                "description": "Votes (approval), or points or rank weight, it received.",
            },
            "supporters": COUNT,
            "selected": {"type": "boolean"},
            "round": _nullable({"type": "integer", "minimum": 1}),
            "reason": {**TEXT, "description": "Why it was or was not funded, in plain words."},
        }
    ),
    "Results": _object(
        {
            "pot_id": ID,
            "version": {"type": "integer", "minimum": 1},
            "published_at": MOMENT,
            "correction_reason": _nullable(TEXT),
            "rule": {"type": "string", "enum": list(RULES)},
            "seed": TEXT,
            "seed_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "nullable": True},
            "ballots_online": COUNT,
            "ballots_paper": COUNT,
            "currency": CURRENCY,
            "budget_minor": MINOR,
            "total_cost_minor": MINOR,
            "covered_share": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "Share of voters with at least one funded project they backed.",
            },
            "selected": {
                **_array(ID),
                "description": "Funded proposal ids, in the order they were selected.",
            },
            "add1_step_minor": {
                **_nullable({"type": "integer", "minimum": 1}),
                "description": "Add1 rules: money added to each voter's share per step, in "
                "minor units of the currency.",
            },
            "add1_step_pence": {
                **_nullable({"type": "integer", "minimum": 1}),
                "deprecated": True,
                "description": "Deprecated (to be removed in v2): the same as add1_step_minor, "
                "whose name follows the *_minor scheme of every other money field.",
            },
            "comparison": {
                **_nullable({"type": "object"}),
                "description": "Comparison rules: both outcomes and how many voters preferred "
                "each (equal_shares_selected, greedy_selected, prefer_equal_shares, "
                "prefer_greedy, indifferent, chosen).",
            },
            "fairness": {
                **_nullable({"type": "object"}),
                "description": "Fairness figures of this outcome (chosen) and of the other rule "
                "(other): covered_voters, funded_nothing, average_funded_share, ejr_up_to_one.",
            },
            "what_it_would_take": {
                **_nullable({"type": "array", "items": {"type": "object"}}),
                "description": "Per project not funded: max_cost (the highest cost at which it "
                "would have been funded; max_cost_exact false means 'at least'), "
                "extra_supporters (fewest extra voters backing it alone that would have funded "
                "it) or more_than (none up to that many would have), basis (the count they "
                "come from).",
            },
            "projects": {
                **_array(_ref("ResultProject")),
                "description": "Funded projects in order of selection, then the rest by score.",
            },
            "earlier_versions": {
                **_array(
                    _object(
                        {
                            "version": {"type": "integer", "minimum": 1},
                            "published_at": MOMENT,
                            "correction_reason": _nullable(TEXT),
                        }
                    )
                ),
                "description": "Versions this one corrected, newest first; they stay public.",
            },
            "links": _object({"pot": URL, "html": URL}),
        },
        "The newest published result of a pot.",
    ),
    "GoesLocalWard": _object(
        {
            "ward": {**TEXT, "description": 'The ward\'s name; "All wards" for council-wide pots.'},
            "ward_code": _nullable({**TEXT, "description": "ONS ward code; null: all wards."}),
            "pots": COUNT,
            "population": _nullable(
                {**COUNT, "description": "Residents; null when not known (an imported election)."}
            ),
            "pot_amount_minor": MINOR,
            "per_resident_minor": _nullable(
                {**MINOR, "description": "To the nearest penny; null with no population."}
            ),
            "proposals": COUNT,
            "ballots": {**COUNT, "description": "Counted once voting has closed."},
            "turnout_percent": _nullable(
                {"type": "number", "minimum": 0, "description": "Ballots of eligible residents."}
            ),
            "funded_minor": {**MINOR, "description": "Cost of the projects the results fund."},
            "delivered_minor": {**MINOR, "description": "The part of it delivered so far."},
        }
    ),
    "GoesLocal": _object(
        {
            "year": {"type": "integer"},
            "years": {**_array({"type": "integer"}), "description": "Years with a pot."},
            "council": TEXT,
            "currency": CURRENCY,
            "council_budget_minor": _nullable(
                {**MINOR, "description": "The council's annual budget; null when not known."}
            ),
            "devolved_minor": {**MINOR, "description": "The year's pots, added up."},
            "devolved_share_percent": _nullable({"type": "number", "minimum": 0}),
            "wards": _array(_ref("GoesLocalWard")),
        },
        "How much of the council's budget residents decided on in a year, ward by ward.",
    ),
}

LONGITUDE = {"type": "number", "minimum": -180, "maximum": 180}
LATITUDE = {"type": "number", "minimum": -90, "maximum": 90}
POSITION = {**_array({"type": "number"}), "minItems": 2, "maxItems": 3}
RING = {**_array(POSITION), "minItems": 4}
POINT = _object(
    {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {
            **_array({"type": "number", "minimum": -180, "maximum": 180}),
            "minItems": 2,
            "maxItems": 2,
            "description": "[longitude, latitude] in WGS84 degrees (RFC 7946).",
        },
    }
)
AREA = _object(
    {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {
            "type": "array",
            "description": "Polygon: rings of [longitude, latitude]; MultiPolygon: a list of "
            "those. Every ring is closed and none crosses itself.",
        },
    },
    nullable=True,
)


def _feature_collection(properties: dict, geometry: dict, description: str, **extra) -> dict:
    feature = _object(
        {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [TEXT, ID]},
            "geometry": geometry,
            "properties": _object(properties),
        }
    )
    return _object(
        {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            **extra,
            "features": _array(feature),
        },
        description + " A GeoJSON FeatureCollection (RFC 7946).",
    )


SCHEMAS.update(
    {
        "WardFeatures": _feature_collection(
            {
                "code": {**TEXT, "description": "ONS ward code."},
                "name": TEXT,
                "council": TEXT,
                "population": _nullable(COUNT),
            },
            AREA,
            "Every ward, with its boundary (null until the council has imported it).",
        ),
        "ProposalFeatures": _feature_collection(
            {
                "id": ID,
                "title": TEXT,
                "status": {"type": "string", "enum": list(STATUSES)},
                "cost_minor": MINOR,
                "ward_code": _nullable(TEXT),
                "asset_id": _nullable({**ID, "description": "The community asset it would use."}),
                "html": URL,
            },
            POINT,
            "A pot's proposals that have a place.",
            pot_id=ID,
            currency=CURRENCY,
        ),
        "FundedFeatures": _feature_collection(
            {
                "id": ID,
                "title": TEXT,
                "cost_minor": MINOR,
                "delivery_status": _nullable({"type": "string", "enum": list(DELIVERY_STATUSES)}),
                "delivery_progress": {"type": "integer", "minimum": 0, "maximum": 100},
                "html": URL,
            },
            POINT,
            "The projects a pot's published results fund that have a place (we said, we did).",
            pot_id=ID,
            currency=CURRENCY,
        ),
        "AssetFeatures": _feature_collection(
            {
                "id": ID,
                "name": TEXT,
                "kind": {"type": "string", "enum": [k.value for k in AssetKind]},
                "offers": TEXT,
                "address": TEXT,
                "contact": {**TEXT, "description": "As the entry gives it, for the public."},
                "opening": TEXT,
                "ward_code": _nullable(TEXT),
                "html": URL,
            },
            POINT,
            "The approved entries of the community asset register.",
        ),
    }
)

_POT_ID = {
    "name": "pot_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
    "description": "The pot's id.",
}


def _year_parameter() -> dict:
    from pb.dashboard.services import EARLIEST_YEAR, LATEST_YEAR

    return {
        "name": "year",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": EARLIEST_YEAR, "maximum": LATEST_YEAR},
        "description": "A four-digit year; without it, the latest year with a pot.",
    }


_ERROR = {"content": {"application/json": {"schema": _ref("Error")}}}
RESPONSES = {
    "BadRequest": {"description": "A query parameter is not valid.", **_ERROR},
    "NotFound": {"description": "No such pot, or nothing published yet.", **_ERROR},
    "NoCouncil": {"description": "No council has been set up yet.", **_ERROR},
}


def _get(operation_id: str, summary: str, ok: dict, *, parameters=(), errors=()) -> dict:
    responses = {"200": ok}
    for status, name in errors:
        responses[status] = {"$ref": f"#/components/responses/{name}"}
    operation: dict[str, object] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["open data"],
        "responses": responses,
    }
    if parameters:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in parameters]
    return {"get": operation}


_NOT_FOUND = (("404", "NotFound"),)


@cache
def document() -> dict:
    """The whole document, built once; `info.version` is the app's version."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "pb open data API",
            "version": __version__,
            "description": (
                "Read-only facts about participatory budgeting: pots, proposals, published "
                "results and how much money goes local. Money is in integer minor units "
                "(`*_minor`: pence for GBP) of the `currency` given alongside it. "
                'No personal data. Errors are JSON: {"error": {"status", "message"}}.'
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": "open data"}],
        "paths": {
            "/api/v1/openapi.json": _get(
                "getOpenAPI",
                "This document",
                _json({"type": "object"}, "The OpenAPI document."),
            ),
            "/api/v1/pots": _get(
                "listPots",
                "Every pot residents can see, newest year first",
                _json(_ref("PotList"), "The pots."),
            ),
            "/api/v1/pots/{pot_id}": _get(
                "getPot",
                "One pot",
                _json(_ref("Pot"), "The pot."),
                parameters=["PotId"],
                errors=_NOT_FOUND,
            ),
            "/api/v1/pots/{pot_id}/proposals": _get(
                "listProposals",
                "Every proposal in a pot",
                _json(_ref("ProposalList"), "The pot's proposals."),
                parameters=["PotId"],
                errors=_NOT_FOUND,
            ),
            "/api/v1/pots/{pot_id}/results": _get(
                "getResults",
                "The pot's published results (404 until they are published)",
                _json(_ref("Results"), "The newest published result, and earlier versions."),
                parameters=["PotId"],
                errors=_NOT_FOUND,
            ),
            "/api/v1/geo/wards": _get(
                "getWardBoundaries",
                "Every ward as GeoJSON, with its boundary when known",
                _json(_ref("WardFeatures"), "The wards."),
            ),
            "/api/v1/geo/pots/{pot_id}/proposals": _get(
                "getProposalPlaces",
                "A pot's proposals that have a place, as GeoJSON points",
                _json(_ref("ProposalFeatures"), "The proposals."),
                parameters=["PotId"],
                errors=_NOT_FOUND,
            ),
            "/api/v1/geo/pots/{pot_id}/funded": _get(
                "getFundedPlaces",
                "A pot's funded projects that have a place, as GeoJSON points",
                _json(_ref("FundedFeatures"), "The funded projects (none until published)."),
                parameters=["PotId"],
                errors=_NOT_FOUND,
            ),
            "/api/v1/geo/assets": _get(
                "getCommunityAssets",
                "The community asset register, as GeoJSON points",
                _json(_ref("AssetFeatures"), "The approved assets."),
            ),
            "/api/v1/goes-local": _get(
                "getGoesLocal",
                "How much of the council's budget goes local in a year",
                _json(_ref("GoesLocal"), "The year's figures."),
                parameters=["Year"],
                errors=(("400", "BadRequest"), ("404", "NoCouncil")),
            ),
        },
        "components": {
            "schemas": SCHEMAS,
            "parameters": {"PotId": _POT_ID, "Year": _year_parameter()},
            "responses": RESPONSES,
        },
    }
