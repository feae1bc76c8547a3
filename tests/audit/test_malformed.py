"""`pb verify` on packages built to break it (issue 14): a FAIL line with a reason, never a
traceback, and a zip bomb is refused before it is decompressed."""

import io
import json
import tracemalloc
import warnings
import zipfile

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pb.audit import safezip
from pb.audit.verify import verify
from pb.cli import cli
from tests.audit.test_package import _files, _repack


def _write(path, entries):
    """A zip of (name, bytes) entries exactly as given, duplicates included."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name; that is the point
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def _fails(report, start):
    assert not report.ok
    found = [line for line in report.failures if line.startswith(start)]
    assert found, report.failures
    return found[0]


def _council_key(zip_path):
    return json.loads(_files(zip_path)["manifest.json"])["public_key"]["hex"]


def test_a_tampered_entry_before_the_genuine_one_is_refused(zip_path):
    """Python reads the last of two same-named entries, unzip the first: refuse both."""
    genuine = _files(zip_path)
    key = _council_key(zip_path)
    tampered = genuine["ballots.pb"].replace(b"online", b"paper", 1)
    entries = [("ballots.pb", tampered), *genuine.items()]
    report = verify(_write(zip_path, entries), public_key=key)
    assert "ballots.pb appears more than once" in _fails(report, "package")


def test_an_entry_outside_the_package_list_is_refused(zip_path):
    entries = [*_files(zip_path).items(), ("notes/readme.txt", b"hello")]
    report = verify(_write(zip_path, entries))
    assert "unexpected entry 'notes/readme.txt'" in _fails(report, "package")


def test_data_hidden_before_the_first_entry_is_refused(zip_path):
    zip_path.write_bytes(b"hidden ballots.pb" * 10 + zip_path.read_bytes())
    report = verify(zip_path)
    assert "belong to no entry" in _fails(report, "package")


def test_a_local_header_naming_another_file_is_refused(zip_path):
    raw = zip_path.read_bytes()
    # The first "ballots.pb" is the local header's name; the central directory keeps its own.
    zip_path.write_bytes(raw.replace(b"ballots.pb", b"ballots.pc", 1))
    _fails(verify(zip_path), "package")


def test_a_zip_bomb_is_refused_before_it_is_decompressed(zip_path):
    files = _files(zip_path)
    files["ballots.pb"] = files["ballots.pb"] + b"\n" * (40 * safezip.MIB)
    _write(zip_path, list(files.items()))
    assert zip_path.stat().st_size < 1 * safezip.MIB
    tracemalloc.start()
    try:
        report = verify(zip_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "a zip bomb?" in _fails(report, "package")
    assert peak < 5 * safezip.MIB, peak


def test_files_over_their_size_cap_are_refused(zip_path):
    files = _files(zip_path)
    files["manifest.json"] = b" " * (2 * safezip.MIB) + files["manifest.json"]
    # Stored, so the ratio is 1: only the size cap stops it.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    zip_path.write_bytes(buffer.getvalue())
    assert "manifest.json would be" in _fails(verify(zip_path), "package")
    small = safezip.Limits(archive=1000)
    assert "more than the 1,000 allowed" in _fails(verify(zip_path, limits=small), "package")


def _json_edit(name, change):
    def edit(files):
        data = json.loads(files[name])
        files[name] = json.dumps(change(data)).encode()
        return files

    return edit


def _events_edit(files):
    lines = files["events.jsonl"].splitlines(keepends=True)
    files["events.jsonl"] = b"".join([lines[0], b"1\n", *lines[2:]])
    return files


def _cost_edit(files):
    text = files["ballots.pb"].decode()
    head, _, rest = text.partition("PROJECTS\n")
    header, first, *others = rest.split("\n")
    cells = first.split(";")
    cells[1] = "600,5"
    files["ballots.pb"] = (
        head + "PROJECTS\n" + "\n".join([header, ";".join(cells), *others])
    ).encode()
    return files


MALFORMED = {
    "event line 1": (_events_edit, "events.jsonl line 2 must be an object"),
    "manifest []": (_json_edit("manifest.json", lambda m: []), "manifest.json must be a JSON"),
    "outcome []": (
        _json_edit("results.json", lambda r: {**r, "outcome": []}),
        "results.outcome must be an object",
    ),
    "eligible as text": (
        _json_edit("manifest.json", lambda m: {**m, "counts": {**m["counts"], "eligible": "6586"}}),
        "manifest.counts.eligible must be a whole number, not text",
    ),
    "cost 600,5": (_cost_edit, ""),
    "no JSON at all": (lambda f: {**f, "results.json": b"\xff\xfe{"}, "not JSON"),
    "deep JSON": (lambda f: {**f, "manifest.json": b"[" * 100_000}, ""),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_files_are_a_fail_line_with_the_reason(zip_path, case):
    edit, reason = MALFORMED[case]
    _repack(zip_path, edit(_files(zip_path)))
    report = verify(zip_path)
    assert not report.ok
    assert reason in " ".join(report.failures), report.failures
    result = CliRunner().invoke(cli, ["verify", str(zip_path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "FAIL" in result.output


@pytest.mark.parametrize("junk", [b"", b"PK", b"not a zip at all", b"PK\x05\x06" + b"\0" * 18])
def test_files_that_are_not_zips_are_a_fail_line(tmp_path, junk):
    path = tmp_path / "junk.zip"
    path.write_bytes(junk)
    report = verify(path)
    assert not report.ok and report.failures[0].startswith(("package", "files"))


def test_random_damage_never_raises(zip_path):
    """Bytes changed anywhere in a real package: always a report, never an exception."""
    original = zip_path.read_bytes()

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(
            st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)),
            min_size=1,
            max_size=8,
        )
    )
    def damage(changes):
        raw = bytearray(original)
        for where, value in changes:
            raw[where] = value
        zip_path.write_bytes(bytes(raw))
        report = verify(zip_path)
        if bytes(raw) != original:
            assert isinstance(report.ok, bool)

    damage()


def test_random_json_values_never_raise(zip_path):
    """Any JSON value in place of any manifest or results field: a report, never an exception."""
    files = _files(zip_path)
    manifest, results = json.loads(files["manifest.json"]), json.loads(files["results.json"])
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=5,
    )
    paths = [
        (name, key, sub)
        for name, data in (("manifest.json", manifest), ("results.json", results))
        for key, value in data.items()
        for sub in (list(value) if isinstance(value, dict) else []) + [None]
    ]

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(where=st.sampled_from(paths), value=values)
    def replace(where, value):
        name, key, sub = where
        data = json.loads(files[name])
        if sub is None or not isinstance(data[key], dict):
            data[key] = value
        else:
            data[key][sub] = value
        _repack(zip_path, {**files, name: json.dumps(data).encode()})
        verify(zip_path)  # raising fails the test

    replace()


def test_pb_verify_needs_no_app_or_settings(zip_path, monkeypatch):
    """An auditor runs `pb verify` with nothing set up: no PB_ENV, no database, no secret."""
    monkeypatch.delenv("PB_ENV", raising=False)
    result = CliRunner().invoke(cli, ["verify", str(zip_path)])
    assert result.exit_code == 3, result.output  # consistent, key unconfirmed
    assert "PB_ENV" not in result.output
