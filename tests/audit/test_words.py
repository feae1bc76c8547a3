"""The audit log in words: every event pb records, and every detail it keeps, has words in
the catalogs, so the log reads in the reader's language instead of falling back to codes."""

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from pb.audit.words import EVENTS, FIELDS, detail_lines, event_words

PB = Path(__file__).resolve().parents[2] / "pb"
# Events whose code or details are built at run time, so a scan of the calls cannot see them.
BUILT = {"mail.retried", "mail.discarded"}
BUILT_DETAILS = {"before", "after", "reason", "seed_sha256", "ballot_key", "counts"}


def _recorded() -> tuple[set[str], set[str]]:
    events, details = set(), set()
    for path in PB.rglob("*.py"):
        if "tally" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record":
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant):
                    events.add(first.value)
                elif isinstance(first, ast.IfExp):  # "a" if ... else "b"
                    events |= {first.body.value, first.orelse.value}
                details |= {k.arg for k in node.keywords if k.arg not in (None, "actor", "pot")}
    return events, details


def test_every_recorded_event_and_detail_has_words():
    events, details = _recorded()
    assert len(events) > 40  # the scan finds the calls
    assert events | BUILT <= set(EVENTS), sorted(events | BUILT - set(EVENTS))
    assert details | BUILT_DETAILS <= set(FIELDS), sorted(details | BUILT_DETAILS - set(FIELDS))


@pytest.mark.parametrize(
    ("locale", "none", "now"), [("cy", "dim", "nawr"), ("pl", "brak", "teraz")]
)
def test_the_log_reads_in_the_reader_s_language(app, locale, none, now):
    with force_locale(locale):
        lines = dict(detail_lines({"after": "voting", "reason": None, "had_one": True}))
        assert str(FIELDS["after"]) == now
        assert lines[now] != "voting" and lines[now] == str(_phase_label("voting"))
        assert none in lines.values()
        assert event_words("meeting.added") != "A meeting was added"


def _phase_label(code):
    from pb.pots.models import PHASE_LABELS

    return PHASE_LABELS[code]
