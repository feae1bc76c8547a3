"""What the JSON files of an audit package must look like before any check reads them.

The checks in pb.audit.verify read fields as the package builder writes them (a manifest is an
object, counts are whole numbers, every event line is an object with a height ...). A package
written by someone else can hold anything, so these functions say, in words, what is not the
expected shape; the verifier reports each as a FAIL line and skips the checks that would need
it, instead of stopping with a traceback.
"""

import json
from fractions import Fraction

_HEX64 = frozenset("0123456789abcdef")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _where(path: str, problem: str) -> str:
    return f"{path} {problem}"


def _need(problems, container, key, path, check, wanted, optional=False, nullable=False):
    """`optional`: may be missing or null; `nullable`: must be there, may be null."""
    if not isinstance(container, dict):
        return
    if key not in container:
        if not optional:
            problems.append(_where(f"{path}.{key}", "is missing"))
        return
    value = container[key]
    if (optional or nullable) and value is None:
        return
    if not check(value):
        problems.append(_where(f"{path}.{key}", f"must be {wanted}, not {_kind(value)}"))


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {int: "a number", float: "a decimal", str: "text", list: "a list", dict: "an object"}[
        type(value)
    ]


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
        return [f"manifest.json must be a JSON object, not {_kind(data)}"]
    problems: list[str] = []
    for key in ("pot", "ballot", "counts", "tie_break", "public_key"):
        _need(problems, data, key, "manifest", _obj, "an object")
    _need(problems, data, "rule", "manifest", _text, "text", optional=True)
    _need(problems, data.get("pot"), "id", "manifest.pot", _whole, "a whole number")
    ballot = data.get("ballot")
    _need(problems, ballot, "method", "manifest.ballot", _text, "text")
    for key in ("min_picks", "max_picks", "spending_cap", "points_total", "points_max"):
        _need(problems, ballot, key, "manifest.ballot", _whole, "a whole number", optional=True)
    counts = data.get("counts")
    # Who could vote is not known for an imported election that does not say (null).
    _need(problems, counts, "eligible", "manifest.counts", _whole, "a whole number", nullable=True)
    for key in ("participations", "ballots_online", "ballots_paper"):
        _need(problems, counts, key, "manifest.counts", _whole, "a whole number")
    tie = data.get("tie_break")
    # An imported election has no tie-break seed and so no commitment (null).
    _need(problems, tie, "seed", "manifest.tie_break", _text, "text", nullable=True)
    _need(problems, tie, "seed_sha256", "manifest.tie_break", _text, "text", nullable=True)
    _need(problems, data.get("public_key"), "hex", "manifest.public_key", _text, "text")
    return problems


def results(data) -> list[str]:
    """Problems with results.json's shape."""
    if not isinstance(data, dict):
        return [f"results.json must be a JSON object, not {_kind(data)}"]
    problems: list[str] = []
    _need(problems, data, "outcome", "results", _obj, "an object")
    _need(problems, data, "seed", "results", _text, "text", optional=True)
    outcome = data.get("outcome")
    _need(
        problems,
        outcome,
        "selected",
        "results.outcome",
        lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v),
        "a list of project ids as text",
    )
    _need(
        problems,
        outcome,
        "total_cost",
        "results.outcome",
        _amount,
        "an amount (a number, or a fraction as text)",
    )
    return problems


def events(raw: bytes) -> list[str]:
    """Problems with events.jsonl's shape: each line one JSON object with the chain's fields."""
    problems: list[str] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"events.jsonl is not UTF-8 text: {exc.reason} at byte {exc.start}"]
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            event = json.loads(line)
        except ValueError:
            problems.append(f"events.jsonl line {number} is not JSON")
        else:
            if not isinstance(event, dict):
                problems.append(f"events.jsonl line {number} must be an object, not {_kind(event)}")
            else:
                where = f"events.jsonl line {number}"
                _need(problems, event, "height", where, _whole, "a whole number")
                for key in ("type", "parent", "payload_sha256"):
                    _need(problems, event, key, where, _text, "text")
        if len(problems) >= 5:
            problems.append("(and maybe more)")
            break
    return problems
