"""`pb verify` speaks the language PB_LANGUAGE names, with no app (pb.audit.speech), and its
--json output stays the same English for machines whatever the language."""

import io
import json
import re
import zipfile

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from click.testing import CliRunner

from pb.audit import signing, speech
from pb.cli import cli
from tests.audit.test_package import _files, _repack, _tamper_ballots

ENGLISH = {"the", "and", "not", "does", "line", "file", "ballot", "package"}
# What the report fills in as it is: file names, JSON paths, options, names of tools and
# formats, hex keys and fingerprints, the temporary folder's paths.
VALUES = re.compile(
    r"ballots\.pb|results\.json|manifest\.json|events\.jsonl|SHA256SUMS(\.sig)?"
    r"|manifest(\.\w+)+|--[\w-]+|EARLIER\.zip|keys\.json|Ed25519|pabutools|JSON"
    r"|[0-9a-f]{4}( [0-9a-f]{4}){7}|/\S+"
)


def _run(args, language=None):
    env = {"PB_LANGUAGE": language} if language else {}
    return CliRunner().invoke(cli, ["verify", *map(str, args)], env=env)


def _key(published):
    pot, _receipts = published
    return signing.fingerprint_of(pot.council)


def _english_words(output: str) -> set[str]:
    found = set()
    for line in output.splitlines():
        words = re.findall(r"[a-z]+", VALUES.sub(" ", line).lower())
        found |= ENGLISH & set(words)
    return found


def test_a_good_package_is_reported_in_welsh(zip_path, published):
    result = _run([zip_path, "--public-key", _key(published)], "cy")
    assert result.exit_code == 0, result.output
    assert "iawn  cadwyn (" in result.output  # the chain, with its count of events
    assert "iawn  stwnsh ballots.pb" in result.output
    assert "iawn  mae'r hedyn yn cyfateb i'w ymrwymiad" in result.output
    assert result.output.rstrip().endswith("Mae'r pecyn yn dal dŵr.")
    assert not _english_words(result.output), result.output


def test_a_good_package_is_reported_in_polish(zip_path, published):
    result = _run([zip_path, "--public-key", _key(published)], "pl")
    assert result.exit_code == 0, result.output
    assert re.search(r"ok    łańcuch \(\d+ zdarze(ń|nia|nie)\)", result.output), result.output
    assert "ok    skrót ballots.pb" in result.output
    assert "ok    ziarno zgadza się ze zobowiązaniem" in result.output
    assert result.output.rstrip().endswith("Pakiet jest poprawny.")


def test_an_unconfirmed_key_is_said_in_welsh_and_polish(zip_path):
    welsh = _run([zip_path], "cy")
    assert welsh.exit_code == 3
    assert "nid oes dim yn cadarnhau mai" in welsh.output
    assert "NID yw ei allwedd llofnodi wedi'i chadarnhau" in welsh.output
    assert not _english_words(welsh.output), welsh.output
    polish = _run([zip_path], "pl")
    assert "nic nie potwierdza, że" in polish.output
    assert "klucz podpisu NIE jest potwierdzony" in polish.output


def test_a_tampered_package_fails_in_welsh_and_polish(zip_path):
    files = _tamper_ballots(_files(zip_path), lambda ls, s: ls[:s] + ls[s + 1 :])
    _repack(zip_path, files, resign=False)
    welsh = _run([zip_path], "cy")
    assert welsh.exit_code == 1
    assert (
        "METHU  stwnsh ballots.pb: nid yw'n cyfateb i SHA256SUMS: newidiwyd y ffeil" in welsh.output
    )
    assert welsh.output.rstrip().endswith("NID yw'r pecyn yn dal dŵr.")
    assert not _english_words(welsh.output), welsh.output
    polish = _run([zip_path], "pl")
    assert (
        "BŁĄD  skrót ballots.pb: nie zgadza się z SHA256SUMS: plik został zmieniony"
        in polish.output
    )
    assert polish.output.rstrip().endswith("Pakiet NIE jest poprawny.")


def test_a_re_signed_dropped_ballot_fails_in_polish(zip_path):
    files = _tamper_ballots(_files(zip_path), lambda ls, s: ls[:s] + ls[s + 1 :])
    _repack(zip_path, files)
    polish = _run([zip_path], "pl")
    assert polish.exit_code == 1
    assert "BŁĄD  ballots.pb zawiera dokładnie otwarte koperty: karty różnią się" in polish.output
    assert re.search(r"BŁĄD  karty (online|papierowe) = liczba z zamknięcia: ", polish.output)
    welsh = _run([zip_path], "cy")
    assert "METHU  mae ballots.pb yn dal yr union amlenni a agorwyd" in welsh.output
    assert not _english_words(welsh.output), welsh.output


def _rewrite(path, name, change):
    files = _files(path)
    files[name] = change(files[name])
    return _repack(path, files)


def test_malformed_packages_leave_no_english_in_welsh(zip_path, tmp_path, published):
    """The shapes, the zip reader and a mistyped receipt speak Welsh too."""
    outputs = []
    shaped = tmp_path / "shaped.zip"
    shaped.write_bytes(zip_path.read_bytes())

    def eligible_as_text(raw):
        manifest = json.loads(raw)
        manifest["counts"]["eligible"] = "6586"
        return json.dumps(manifest).encode()

    outputs.append(_run([_rewrite(shaped, "manifest.json", eligible_as_text)], "cy").output)
    assert "manifest.counts.eligible: disgwylid rhif cyfan, cafwyd testun" in outputs[-1]

    extra = tmp_path / "extra.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in _files(zip_path).items():
            archive.writestr(name, data)
        archive.writestr("notes/readme.txt", b"hello")
    extra.write_bytes(buffer.getvalue())
    outputs.append(_run([extra], "cy").output)
    assert "METHU  pecyn: cofnod annisgwyl 'notes/readme.txt'" in outputs[-1]

    outputs.append(
        _run([zip_path, "--receipt", "AAAA-BBBB", "--public-key", _key(published)], "cy").output
    )
    assert "METHU  derbynneb: mae'r cod hwnnw wedi'i gamffurfio" in outputs[-1]
    stranger = "-".join(["AAAA"] * 8)
    outputs.append(_run([zip_path, "--receipt", stranger], "cy").output)
    assert "Ni chafwyd hyd i'ch derbynneb yn y pecyn hwn" in outputs[-1]
    for output in outputs:
        assert not _english_words(output), output


def test_the_json_report_is_the_same_in_every_language(zip_path, tmp_path, published):
    good = [zip_path, "--json", "--public-key", _key(published)]
    bad = tmp_path / "bad.zip"
    bad.write_bytes(zip_path.read_bytes())
    files = _tamper_ballots(_files(bad), lambda ls, s: ls[:s] + ls[s + 1 :])
    _repack(bad, files)
    for args in (good, [zip_path, "--json"], [bad, "--json"]):
        english = _run(args)
        assert english.output == _run(args, "cy").output == _run(args, "pl").output
        report = json.loads(english.output)
        assert all(re.fullmatch(r"[ -~]*", check["check"]) for check in report["checks"])
    checks = json.loads(_run([bad, "--json"], "cy").output)["checks"]
    failed = {check["check"]: check["detail"] for check in checks if not check["ok"]}
    assert "ballots.pb holds exactly the opened envelopes" in failed
    assert failed["ballots.pb holds exactly the opened envelopes"].startswith("the ballots differ")


def test_speech_follows_pb_language(monkeypatch):
    monkeypatch.setenv("PB_LANGUAGE", "pl")
    assert speech.ngettext("%(num)s event", "%(num)s events", 5) == "5 zdarzeń"
    assert speech.ngettext("%(num)s event", "%(num)s events", 22) == "22 zdarzenia"
    assert speech.ngettext("%(num)s event", "%(num)s events", 12345) == "12\xa0345 zdarzeń"
    assert speech._("hash of %(file)s", file="ballots.pb") == "skrót ballots.pb"
    with speech.in_english():
        assert speech._("hash of %(file)s", file="ballots.pb") == "hash of ballots.pb"
        assert speech.number(12345) == "12,345"
    monkeypatch.setenv("PB_LANGUAGE", "cy")
    assert speech.ngettext("%(num)s event", "%(num)s events", 3) == "3 digwyddiad"
    # An unknown language, or one without a catalog, is British English, as for the app.
    for unknown in ("xx", "fr", "", "pl-XX"):
        monkeypatch.setenv("PB_LANGUAGE", unknown)
        assert speech.locale() == "en_GB"
        assert speech._("chain") == "chain"


def test_speech_reads_pb_translations_too(monkeypatch, tmp_path):
    """A council's own catalog (PB_TRANSLATIONS) is read like the app's, later folders win."""
    catalog = Catalog(locale="de")
    catalog.add("chain", "Kette")
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text("")  # what marks a folder as a catalog for pb.i18n
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setenv("PB_TRANSLATIONS", str(tmp_path))
    monkeypatch.setenv("PB_LANGUAGE", "de")
    assert speech.locale() == "de"
    assert speech._("chain") == "Kette"
    assert speech._("seed") == "seed"  # not in that catalog: the English


@pytest.mark.parametrize("language", ["cy", "pl"])
def test_every_report_message_has_a_translation(language, monkeypatch):
    """The labels of the checks, read in the language, are not the English ones."""
    monkeypatch.setenv("PB_LANGUAGE", language)
    for label in ("chain", "signature", "package", "hashes", "receipt", "seed"):
        assert speech._(label) != label
