"""Every .pb pb writes passes pabulib's own checker, and an import survives export and re-import.

pabulib-checker (a test-only dependency) is the format's reference: a file passes when it
reports no error (warnings are advice, such as "a project with no votes").
"""

import contextlib
import io
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pabulib.checker import Checker

from pb.audit import pabulib_export, package, signing
from pb.audit.verify import verify
from pb.councils.models import Council, Ward
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.results.imports import import_pabulib, imported_source
from pb.results.models import ImportedVote
from pb.results.services import publications, publish, run_tally
from pb.tally import pabulib
from pb.voting.models import Ballot
from tests.factories import make_pot, make_proposal

SHARED = Path(__file__).resolve().parents[3] / "shared" / "pabulib"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared/pabulib absent")

# Real files with something particular about them (all in ../shared/pabulib).
SAMPLES = [
    "poland_wieliczka_2023.pb",  # equalshares/add1
    "france_toulouse_2019_.pb",  # cumulative, in euros, language "french"
    "poland_krakow_2021_bienczyce.pb",  # ordinal with points
    "poland_czestochowa_2020_grabowka.pb",  # quoted names with quotes inside
    "poland_warszawa_2017_grochow-centrum.pb",  # no key;value line, a decimal budget
    "poland_warszawa_2017_aleksandrow.pb",  # "None" cells, the legacy `target` column
    "poland_gdynia_2020_babie-doly-large.pb",  # sex K (kobieta)
    "poland_wroclaw_2016_rejon-nr-10-250.pb",  # the legacy `categories` column
    "poland_czestochowa_2020_czestochowka-parkitka.pb",  # a `comments` META key
    "poland_katowice_2020_dab.pb",  # names ending in a space
]


def check(text: str) -> dict:
    """pabulib-checker's errors for a file's text ({} when it passes)."""
    with contextlib.redirect_stdout(io.StringIO()):
        results = Checker().process_files([text])
    (key,) = [k for k in results if k not in ("metadata", "summary")]
    return results[key]["results"].get("errors") or {}


def exported(pot) -> str:
    return pabulib.dumps(package.ballots_file(pot, publications(pot)[0]))


def _native(currency: str, method: str, **settings):
    council = Council(name=f"{currency} council", annual_budget=None, currency=currency)
    ward = Ward(council=council, name="Centre", code=f"X{currency}{method}", population=500)
    db.session.add_all([council, ward])
    db.session.flush()
    pot = make_pot(council, ward, phase="closed", amount=100_050, ballot_method=method, **settings)
    pot.voting_opened_at = datetime(2026, 5, 1, 9, tzinfo=UTC)
    pot.voting_closed_at = datetime(2026, 5, 31, 21, tzinfo=UTC)
    a, b, c = (make_proposal(pot, cost=cost) for cost in (60_000, 30_025, 50_000))
    ballots = {
        "approval": [[a.id], [a.id, b.id], [c.id], [b.id, c.id]],
        "ranked": [[a.id, b.id], [c.id, a.id], [b.id, c.id]],
        "points": [[[a.id, 3], [b.id, 2]], [[c.id, 5]], [[a.id, 1], [c.id, 4]]],
    }[method]
    for n, choices in enumerate(ballots):
        channel = "paper" if n == 0 else "online"
        db.session.add(Ballot(pot_id=pot.id, channel=channel, choices=choices))
    db.session.flush()
    run_tally(pot, None)
    publish(pot, None)
    db.session.flush()
    return pot


NATIVE = [
    ("GBP", "approval", {"max_picks": 2, "spending_cap": 90_025}),
    ("PLN", "ranked", {"min_picks": 1, "max_picks": 2}),
    ("EUR", "points", {"points_total": 5, "points_max": 5}),
]


@pytest.mark.parametrize(("currency", "method", "settings"), NATIVE)
def test_native_pots_export_files_that_pass_the_checker(app, currency, method, settings):
    pot = _native(currency, method, **settings)
    text = exported(pot)
    assert check(text) == {}
    data = pabulib.parse(text)
    assert list(data.meta)[:3] == ["description", "country", "unit"]
    assert data.meta["currency"] == currency
    assert data.meta["budget"] == "1000.5"  # major units, as pabulib files give money
    assert data.meta["date_begin"] == "01.05.2026" and data.meta["date_end"] == "31.05.2026"
    costs = [row[data.project_columns.index("cost")] for row in data.projects]
    assert sorted(costs) == ["300.25", "500", "600"]
    methods = Counter(row[data.vote_columns.index("voting_method")] for row in data.votes)
    assert methods == {"internet": len(data.votes) - 1, "paper": 1}
    if method == "approval":
        assert data.meta["max_sum_cost"] == "900.25"


@needs_shared
@pytest.mark.parametrize("name", ["france_toulouse_2019_.pb", "poland_krakow_2021_bienczyce.pb"])
def test_a_re_imported_export_verifies(app, tmp_path, name):
    """Euros and points, złoty and rankings: money in major units in ballots.pb still
    re-counts to the published result in minor units."""
    _, second, _, _ = _round_trip(name)
    signing.create_if_missing(second.council)  # as `pb import-pabulib` does
    path = tmp_path / "pot.zip"
    path.write_bytes(package.build(second))
    report = verify(path)
    assert report.ok, report.failures


def _election(pot) -> dict:
    """What must survive a round trip: ids, names, costs, votes and their cells."""
    proposals = {p.id: p for p in db.session.query(Proposal).filter_by(pot_id=pot.id)}
    cells = dict(
        db.session.query(ImportedVote.ballot_id, ImportedVote.cells).filter_by(pot_id=pot.id)
    )
    votes = Counter()
    for ballot in db.session.query(Ballot).filter_by(pot_id=pot.id):
        if pot.ballot_method == "points":
            choice = tuple(sorted((proposals[p].public_id, n) for p, n in ballot.choices))
        elif pot.ballot_method == "approval":
            choice = tuple(sorted(proposals[p].public_id for p in ballot.choices))
        else:
            choice = tuple(proposals[p].public_id for p in ballot.choices)
        kept = cells[ballot.id]
        sex = pabulib_export.SEX.get(kept.get("sex", "").strip().upper(), "")
        votes[(choice, ballot.channel, kept.get("age", "").strip(), sex)] += 1
    return {
        "projects": sorted((p.public_id, p.title, p.cost, p.status) for p in proposals.values()),
        "votes": votes,
        "amount": pot.amount,
        "currency": pot.currency,
        "method": (pot.ballot_method, pot.min_picks, pot.max_picks, pot.points_total),
    }


def _round_trip(name: str):
    first = import_pabulib(SHARED / name)
    db.session.flush()
    text = exported(first)
    errors = check(text)
    second = import_pabulib(text)
    db.session.flush()
    return first, second, text, errors


@needs_shared
@pytest.mark.parametrize("name", SAMPLES)
def test_import_export_import_keeps_the_election(app, name):
    first, second, _, errors = _round_trip(name)
    assert errors == {}
    one, two = _election(first), _election(second)
    if first.points_total is None:  # the format requires it; the export writes the ballots' most
        one["method"] = (*one["method"][:3], two["method"][3])
    assert one == two
    source, again = imported_source(first).meta, imported_source(second).meta
    normalised = {"language", "comment", "comments", "date_begin", "date_end", "currency"}
    if again["rule"] == "greedy-custom":  # pb's greedy leaves out unsupported projects
        assert "no one voted for is not funded" in again["comment"]
        normalised.add("rule")
    for key, value in source.items():
        if key in pabulib_export.META_ORDER and key not in normalised:
            assert again[key] == pabulib_export.clean(value), key
    for key in ("date_begin", "date_end"):
        assert again[key] == pabulib_export.pabulib_date(source[key])
    assert again["currency"] == first.currency
    # Nothing the source did not say, beyond what the format requires of every file.
    required = {"currency", "fully_funded", "max_sum_points", "comment"}
    assert set(again) - set(source) - required == set()


# Every shared file through the database takes minutes, so it is its own step in .ci/run.
EVERY_FILE = bool(os.environ.get("PB_ALL_PABULIB")) and SHARED.exists()


@pytest.mark.skipif(not EVERY_FILE, reason="every shared file: set PB_ALL_PABULIB=1")
@pytest.mark.parametrize(
    "name", sorted(p.name for p in SHARED.glob("*.pb")) if EVERY_FILE else ["(all files)"]
)
def test_every_shared_file_exports_a_file_that_passes_the_checker(app, name):
    pot = import_pabulib(SHARED / name)
    db.session.flush()
    assert check(exported(pot)) == {}


def test_names_and_dates_are_written_as_the_format_asks():
    assert pabulib_export.pabulib_date("6.09.2019") == "06.09.2019"
    assert pabulib_export.pabulib_date("2020") == "2020"
    assert pabulib_export.pabulib_date("September 2019") is None
    assert pabulib_export.language_code("polish") == "pl"
    assert pabulib_export.language_code("French") == "fr"
    assert pabulib_export.language_code("klingon") is None
    assert pabulib_export.comment({"comments": "Counted twice"}) == "#1: Counted twice"
    assert pabulib_export.comment({"comment": "#1: As is"}) == "#1: As is"
    assert pabulib_export.clean("  Rodzinny Festyn ") == "Rodzinny Festyn"
