"""What every request's input must be before any view sees it.

PostgreSQL refuses two kinds of value that SQLite quietly stores, and the refusal used to
surface as a 500 deep inside a view:

- a NUL byte in any text ("A string literal cannot contain NUL characters"): refused here, for
  every form field, query parameter and JSON string, with a 400 that says so;
- an id beyond the 32-bit integer columns (`/pots/3000000000`): the `int` URL converter and
  `parse_id` accept only ids a row could have, so anything larger is a plain 404.
"""

import re
from typing import Any

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

# The largest value of an INTEGER primary key (PostgreSQL's `integer`, SQLite's fits it too).
MAX_ID = 2**31 - 1
_ID = re.compile(r"[0-9]{1,10}")

NUL_MESSAGE = _l(
    "What you sent contains a NUL character (\\0), which cannot be stored. "
    "Remove it (it often comes from copying out of another program) and try"
    " again."
)


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a row id, 0 to MAX_ID; anything else matches no route."""

    regex = r"\d{1,10}"  # longer numbers do not match at all, so catch-all routes still can

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(text) -> int | None:
    """An id typed into a form or query string, or None when it cannot be a row's id."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 <= text <= MAX_ID else None
    if not isinstance(text, str) or not _ID.fullmatch(text.strip()):
        return None
    number = int(text.strip())
    return number if number <= MAX_ID else None


def has_nul(value) -> bool:
    """True when a NUL byte hides anywhere in a (nested) form, query or JSON value."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def _refuse_nul() -> None:
    fields: list[tuple[str, Any]] = [*request.args.items(multi=True)]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        fields += request.form.items(multi=True)
        if request.is_json:
            fields.append(("json", request.get_json(silent=True)))
    if any(has_nul(key) or has_nul(value) for key, value in fields):
        abort(400, description=NUL_MESSAGE)


def init_app(app: Flask) -> None:
    """Register the id converter (before any blueprint adds routes) and the NUL check."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_nul)
