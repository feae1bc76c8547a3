"""One naming scheme for money in the API's JSON: every amount is an integer field *_minor."""

from pb.api import openapi

MONEY_WORDS = ("amount", "cost", "budget", "spent", "funded", "delivered", "devolved", "step")


def _properties(schema, path=""):
    if isinstance(schema, dict):
        for name, sub in (schema.get("properties") or {}).items():
            yield f"{path}.{name}", name, sub
            yield from _properties(sub, f"{path}.{name}")
        for key in ("items", "anyOf", "oneOf", "allOf"):
            sub = schema.get(key)
            for s in sub if isinstance(sub, list) else [sub] if sub else []:
                yield from _properties(s, path)


def test_every_money_field_ends_in_minor_except_documented_deprecations():
    document = openapi.document()
    seen = []
    for where, schema in document["components"]["schemas"].items():
        for path, name, sub in _properties(schema, where):
            if any(word in name for word in MONEY_WORDS) and not name.endswith("_percent"):
                seen.append(path)
                if not name.endswith("_minor"):
                    assert sub.get("deprecated") is True, path
    assert len(seen) >= 8
