"""The open data API: read-only JSON about pots, proposals, results and money that goes local.

Described by the OpenAPI document in `pb.api.openapi`, served at /api/v1/openapi.json.
"""
