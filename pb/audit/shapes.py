"""What the JSON files of an audit package must look like before any check reads them.

The checks in pb.audit.verify read fields as the package builder writes them (a manifest is an
object, counts are whole numbers, every event line is an object with a height ...). A package
written by someone else can hold anything, so these functions say, in words, what is not the
expected shape; the verifier reports each as a FAIL line and skips the checks that would need
it, instead of stopping with a traceback.
"""

import json
from fractions import Fraction

from pb.audit.speech import _, number, pgettext

_HEX64 = frozenset("0123456789abcdef")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _need(problems, container, key, path, check, wanted, optional=False, nullable=False):
    """`optional`: may be missing or null; `nullable`: must be there, may be null."""
    if not isinstance(container, dict):
        return
    where = f"{path}.{key}"
    if key not in container:
        if not optional:
            problems.append(_("%(path)s is missing", path=where))
        return
    value = container[key]
    if (optional or nullable) and value is None:
        return
    if not check(value):
        problems.append(
            _(
                "%(path)s must be %(wanted)s, not %(kind)s",
                path=where,
                wanted=wanted,
                kind=_kind(value),
            )
        )


def _kind(value) -> str:
    """What a JSON value is, in words."""
    if value is None:
        # Translators: JSON's null, a value that is no value; keep "null" if unsure.
        return pgettext("JSON value", "null")
    if isinstance(value, bool):
        return pgettext("JSON value", "true/false")
    if isinstance(value, int):
        return pgettext("JSON value", "a number")
    if isinstance(value, float):
        return pgettext("JSON value", "a decimal")
    if isinstance(value, str):
        return pgettext("JSON value", "text")
    if isinstance(value, list):
        return pgettext("JSON value", "a list")
    return pgettext("JSON value", "an object")


def _whole(value) -> bool:
    return _is_int(value) and value >= 0


def _text(value) -> bool:
    return isinstance(value, str)


def _amount(value) -> bool:
    if _is_int(value):
        return True
    if not isinstance(value, str) or len(value) > 100:
        return False
    try:
        Fraction(value)
    except (ValueError, ZeroDivisionError):
        return False
    return True


def _obj(value) -> bool:
    return isinstance(value, dict)


def manifest(data) -> list[str]:
    """Problems with manifest.json's shape (empty when it is as pb writes it)."""
    if not isinstance(data, dict):
        return [
            _(
                "%(file)s must be a JSON object, not %(kind)s",
                file="manifest.json",
                kind=_kind(data),
            )
        ]
    problems: list[str] = []
    for key in ("pot", "ballot", "counts", "tie_break", "public_key"):
        _need(problems, data, key, "manifest", _obj, pgettext("JSON value", "an object"))
    _need(problems, data, "rule", "manifest", _text, pgettext("JSON value", "text"), optional=True)
    _need(
        problems,
        data.get("pot"),
        "id",
        "manifest.pot",
        _whole,
        pgettext("JSON value", "a whole number"),
    )
    ballot = data.get("ballot")
    _need(problems, ballot, "method", "manifest.ballot", _text, pgettext("JSON value", "text"))
    for key in ("min_picks", "max_picks", "spending_cap", "points_total", "points_max"):
        _need(
            problems,
            ballot,
            key,
            "manifest.ballot",
            _whole,
            pgettext("JSON value", "a whole number"),
            optional=True,
        )
    counts = data.get("counts")
    # Who could vote is not known for an imported election that does not say (null).
    _need(
        problems,
        counts,
        "eligible",
        "manifest.counts",
        _whole,
        pgettext("JSON value", "a whole number"),
        nullable=True,
    )
    for key in ("participations", "ballots_online", "ballots_paper"):
        _need(
            problems,
            counts,
            key,
            "manifest.counts",
            _whole,
            pgettext("JSON value", "a whole number"),
        )
    tie = data.get("tie_break")
    # An imported election has no tie-break seed and so no commitment (null).
    _need(
        problems,
        tie,
        "seed",
        "manifest.tie_break",
        _text,
        pgettext("JSON value", "text"),
        nullable=True,
    )
    _need(
        problems,
        tie,
        "seed_sha256",
        "manifest.tie_break",
        _text,
        pgettext("JSON value", "text"),
        nullable=True,
    )
    _need(
        problems,
        data.get("public_key"),
        "hex",
        "manifest.public_key",
        _text,
        pgettext("JSON value", "text"),
    )
    return problems


def results(data) -> list[str]:
    """Problems with results.json's shape."""
    if not isinstance(data, dict):
        return [
            _("%(file)s must be a JSON object, not %(kind)s", file="results.json", kind=_kind(data))
        ]
    problems: list[str] = []
    _need(problems, data, "outcome", "results", _obj, pgettext("JSON value", "an object"))
    _need(problems, data, "seed", "results", _text, pgettext("JSON value", "text"), optional=True)
    outcome = data.get("outcome")
    _need(
        problems,
        outcome,
        "selected",
        "results.outcome",
        lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v),
        pgettext("JSON value", "a list of project ids as text"),
    )
    _need(
        problems,
        outcome,
        "total_cost",
        "results.outcome",
        _amount,
        pgettext("JSON value", "an amount (a number, or a fraction as text)"),
    )
    return problems


def events(raw: bytes) -> list[str]:
    """Problems with events.jsonl's shape: each line one JSON object with the chain's fields."""
    problems: list[str] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [
            _(
                "%(file)s is not UTF-8 text: %(reason)s at byte %(byte)s",
                file="events.jsonl",
                reason=exc.reason,
                byte=number(exc.start),
            )
        ]
    for line_number, line in enumerate(text.splitlines(), start=1):
        try:
            event = json.loads(line)
        except ValueError:
            problems.append(
                _("%(file)s line %(line)s is not JSON", file="events.jsonl", line=line_number)
            )
        else:
            if not isinstance(event, dict):
                problems.append(
                    _(
                        "%(file)s line %(line)s must be an object, not %(kind)s",
                        file="events.jsonl",
                        line=line_number,
                        kind=_kind(event),
                    )
                )
            else:
                where = _("%(file)s line %(line)s", file="events.jsonl", line=line_number)
                _need(
                    problems,
                    event,
                    "height",
                    where,
                    _whole,
                    pgettext("JSON value", "a whole number"),
                )
                for key in ("type", "parent", "payload_sha256"):
                    _need(problems, event, key, where, _text, pgettext("JSON value", "text"))
        if len(problems) >= 5:
            problems.append(_("(and maybe more)"))
            break
    return problems
