"""The audit package of a pot driven through voting, the verifier, and tampering with both."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from pb.audit import chain, package, signing
from pb.audit.verify import verify
from pb.cli import cli
from pb.extensions import db
from pb.results.imports import import_pabulib
from pb.tally import pabulib
from tests.factories import (
    PASSWORD,
    make_key_through,
    make_pot,
    make_proposal,
    make_user,
    open_through,
    publish_through,
    record_paper_voters,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "pabulib"


def _login(app, user):
    client = app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def _cast(app, pot, choice_ids):
    client = _login(app, make_user())
    review = client.post(
        f"/pots/{pot.id}/ballot",
        data={"choices": [str(c) for c in choice_ids]},
        follow_redirects=True,
    )
    nonce = re.search(r'name="nonce" value="([^"]+)"', review.text).group(1)
    response = client.post(
        f"/pots/{pot.id}/ballot/cast",
        data={"choices": [str(c) for c in choice_ids], "nonce": nonce},
    )
    page = client.get(response.headers["Location"]).text
    return re.search(r"<code>([A-Z2-7-]{39})</code>", page).group(1)


@pytest.fixture
def published(app, world):
    """A pot opened, voted in (online and on paper), closed, tallied and published."""
    pot = make_pot(world.council, world.north, phase="review", amount=100_000, max_picks=2)
    a, b, c = (make_proposal(pot, cost=cost) for cost in (60_000, 30_000, 50_000))
    panel = _login(app, make_user(roles=[("panel", world.north.id)]))
    key = make_key_through(panel, pot)
    assert (
        panel.post(f"/panel/pots/{pot.id}/phase", data={"action": "open_voting"}).status_code == 303
    )
    receipts = [_cast(app, pot, [a.id]), _cast(app, pot, [a.id, b.id]), _cast(app, pot, [c.id])]
    officers = [_login(app, make_user(roles=[("officer", None)])) for _ in range(2)]
    record_paper_voters(officers[0], pot, 2)
    for officer in officers:
        response = officer.post(
            f"/panel/pots/{pot.id}/paper/batches",
            data={"number": "1", "ballots": f"{b.id}\n{b.id}, {c.id}"},
        )
        assert response.status_code == 303
    for step in ("close_voting",):
        assert panel.post(f"/panel/pots/{pot.id}/phase", data={"action": step}).status_code == 303
    assert open_through(panel, pot, key).status_code == 303
    assert panel.post(f"/panel/pots/{pot.id}/tally").status_code == 303
    assert publish_through(panel, pot).status_code == 303
    return pot, receipts


@pytest.fixture
def zip_path(published, tmp_path):
    pot, _ = published
    path = tmp_path / "package.zip"
    path.write_bytes(package.build(pot))
    return path


def _files(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _council_private_key():
    """The council's own (newest) private key, as an insider with the key folder has it."""
    newest = select(signing.SigningKey).order_by(signing.SigningKey.id.desc()).limit(1)
    return signing.private_key(db.session.scalar(newest))


def _repack(path, files, *, key=None, resign=True):
    """Write the files back, with SHA256SUMS recomputed and signed (as an insider could)."""
    import hashlib

    if resign:
        names = ("manifest.json", "ballots.pb", "results.json", "events.jsonl")
        sums = "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in names).encode()
        files["SHA256SUMS"] = sums
        key = key or _council_private_key()
        files["SHA256SUMS.sig"] = (key.sign(sums).hex() + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_fresh_package_verifies(zip_path, published):
    report = verify(zip_path)
    assert report.ok, report.failures
    files = _files(zip_path)
    manifest = json.loads(files["manifest.json"])
    pot, _ = published
    assert manifest["counts"] == {
        "eligible": 1000,
        "participations": 5,
        "participations_online": 3,
        "participations_paper": 2,
        "ballots_online": 3,
        "ballots_paper": 2,
    }
    assert manifest["closing"] == {
        "participations": {"online": 3, "paper": 2},
        "ballots": {"online": 3, "paper": 2},
    }
    assert manifest["paper_batches"] == [{"batch": 1, "ballots": 2}]
    assert manifest["ballot_key"]["public"] == pot.sealing_key
    assert manifest["tie_break"]["seed"] == pot.seed
    assert manifest["public_key"]["hex"] == signing.current(pot.council).public_hex
    assert manifest["public_key"]["fingerprint"] == signing.fingerprint_of(pot.council)
    data = pabulib.parse(files["ballots.pb"].decode())
    ids = [row[0] for row in data.votes]
    assert ids == sorted(ids) and len(ids) == 5
    assert sorted(row[-1] for row in data.votes) == ["internet"] * 3 + ["paper"] * 2
    events = [json.loads(line) for line in files["events.jsonl"].decode().splitlines()]
    assert [e["type"] for e in events][:1] == ["voting_opened"]
    assert [e["type"] for e in events].count("ballot_cast") == 3
    assert set(events[0]) == {"height", "type", "parent", "payload_sha256", "at"}


def test_the_package_is_public_once_published(client, published):
    pot, _ = published
    response = client.get(f"/pots/{pot.id}/audit.zip")
    response.close()
    assert response.status_code == 200
    assert response.mimetype == "application/zip"


def test_no_package_before_publication(client, world):
    assert client.get(f"/pots/{world.voting_pot.id}/audit.zip").status_code == 404


def test_a_voter_finds_their_ballot(zip_path, published, client):
    _, receipts = published
    report = verify(zip_path, receipt=receipts[1])
    assert report.ok, report.failures
    page = client.post("/receipts/check", data={"code": receipts[1]}).text
    ballot_id = re.search(r"ballot <code>([0-9a-f]{32})</code>", page).group(1)
    line = int(re.search(r"on line (\d+) of", page).group(1))
    lines = _files(zip_path)["ballots.pb"].decode().splitlines()
    assert lines[line - 1].startswith(f"{ballot_id};")
    assert not verify(zip_path, receipt="A" * 32).ok


def _tamper_ballots(files, change):
    lines = files["ballots.pb"].decode().splitlines(keepends=True)
    start = lines.index("VOTES\n") + 2
    files["ballots.pb"] = "".join(change(lines, start)).encode()
    return files


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        # Naive edits: the file no longer matches the signed SHA256SUMS.
        (lambda f: _tamper_ballots(f, lambda ls, s: ls[:s] + ls[s + 1 :]), "hash of ballots.pb"),
        (
            lambda f: {
                **f,
                "results.json": f["results.json"].replace(b'"selected":[', b'"selected":["9",'),
            },
            "hash of results.json",
        ),
    ],
)
def test_naive_tampering_breaks_the_hashes(zip_path, tamper, message):
    _repack(zip_path, tamper(_files(zip_path)), resign=False)
    report = verify(zip_path)
    assert not report.ok
    assert any(line.startswith(message) for line in report.failures), report.failures


def test_dropping_a_ballot_is_caught_even_when_re_signed(zip_path):
    files = _tamper_ballots(_files(zip_path), lambda ls, s: ls[:s] + ls[s + 1 :])
    report = verify(_repack(zip_path, files))
    assert any(" ballots = the closing count" in f for f in report.failures), report.failures
    assert any(f.startswith("ballots.pb holds exactly the opened") for f in report.failures)


def test_changing_a_ballot_is_caught_by_the_re_count(zip_path, published):
    files = _files(zip_path)
    data = pabulib.parse(files["ballots.pb"].decode())
    funded = json.loads(files["results.json"])["outcome"]["selected"]
    loser = next(row[0] for row in data.projects if row[0] not in funded)

    def change(lines, start):
        changed = []
        for line in lines[start:]:
            voter, _vote, *rest = line.split(";")
            changed.append(";".join([voter, loser, *rest]))
        return lines[:start] + changed

    report = verify(_repack(zip_path, _tamper_ballots(files, change)))
    assert any(f.startswith("re-count matches results.json") for f in report.failures), (
        report.failures
    )


def test_changing_the_result_is_caught(zip_path):
    files = _files(zip_path)
    results = json.loads(files["results.json"])
    results["outcome"]["selected"] = list(reversed(results["outcome"]["selected"]))
    files["results.json"] = json.dumps(results, sort_keys=True, separators=(",", ":")).encode()
    report = verify(_repack(zip_path, files))
    assert any(f.startswith("results.json is the last publication") for f in report.failures)


def test_breaking_the_chain_is_caught(zip_path):
    files = _files(zip_path)
    lines = files["events.jsonl"].decode().splitlines(keepends=True)
    files["events.jsonl"] = "".join(lines[:2] + lines[3:]).encode()
    report = verify(_repack(zip_path, files))
    assert any(f.startswith("chain:") for f in report.failures), report.failures


def test_signing_with_another_key_is_caught(zip_path):
    report = verify(_repack(zip_path, _files(zip_path), key=Ed25519PrivateKey.generate()))
    assert any(f.startswith("signature") for f in report.failures), report.failures


def test_a_pinned_key_catches_a_swapped_manifest_key(zip_path):
    other = Ed25519PrivateKey.generate()
    files = _files(zip_path)
    manifest = json.loads(files["manifest.json"])
    council_key = manifest["public_key"]["hex"]
    manifest["public_key"]["hex"] = signing.public_key_hex(other)
    manifest["public_key"]["fingerprint"] = signing.fingerprint(signing.public_key_hex(other))
    files["manifest.json"] = json.dumps(manifest).encode()
    _repack(zip_path, files, key=other)
    assert verify(zip_path).ok  # self-consistent forgery...
    report = verify(zip_path, public_key=council_key)  # ...caught against the council's key
    assert any(f.startswith("public key") for f in report.failures)


def test_the_seed_must_match_its_commitment(zip_path):
    files = _files(zip_path)
    manifest = json.loads(files["manifest.json"])
    manifest["tie_break"]["seed"] = "chosen-after-the-fact"
    files["manifest.json"] = json.dumps(manifest).encode()
    report = verify(_repack(zip_path, files))
    assert any(f.startswith("seed matches its commitment") for f in report.failures)


def test_pb_verify_command(zip_path, published):
    pot, receipts = published
    runner = CliRunner()
    key = signing.fingerprint_of(pot.council)
    ok = runner.invoke(
        cli, ["verify", str(zip_path), "--receipt", receipts[0], "--public-key", key]
    )
    assert ok.exit_code == 0, ok.output
    assert "The package holds." in ok.output
    # A mistyped receipt is called malformed; a well-formed one not in the package is "not
    # found"; neither says the package does not hold when its own checks pass.
    typo = runner.invoke(
        cli, ["verify", str(zip_path), "--receipt", "AAAA-BBBB", "--public-key", key]
    )
    assert typo.exit_code == 1
    assert "The receipt code is malformed" in typo.output and "does NOT hold" not in typo.output
    stranger = "-".join(["AAAA"] * 8)
    missing = runner.invoke(
        cli, ["verify", str(zip_path), "--receipt", stranger, "--public-key", key]
    )
    assert missing.exit_code == 1
    assert "Your receipt was not found in this package" in missing.output
    assert "does NOT hold" not in missing.output
    as_json = runner.invoke(cli, ["verify", str(zip_path), "--json", "--public-key", key])
    assert json.loads(as_json.output)["ok"] is True
    _repack(zip_path, _files(zip_path), key=Ed25519PrivateKey.generate())
    bad = runner.invoke(cli, ["verify", str(zip_path)])
    assert bad.exit_code == 1
    assert [line for line in bad.output.splitlines() if line.startswith("FAIL")] == [
        "FAIL  signature: SHA256SUMS is not signed by the key the manifest names"
    ]


def test_pb_audit_package_command(app, published, tmp_path):
    pot, _ = published
    out = tmp_path / "cli.zip"
    result = CliRunner().invoke(
        cli, ["audit-package", str(pot.id), "-o", str(out)], obj=_script_info(app)
    )
    assert result.exit_code == 0, result.output
    assert verify(out).ok


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


@pytest.mark.skipif(not (SHARED / "poland_wieliczka_2023.pb").exists(), reason="shared data absent")
def test_an_imported_real_election_reproduces_the_official_outcome_and_verifies(tmp_path, client):
    path = SHARED / "poland_wieliczka_2023.pb"
    pot = import_pabulib(path)
    db.session.commit()
    from pb.results.services import publications

    result = publications(pot)[0]
    official = {row[0] for row in pabulib.read(path).projects if row[-1] == "1"}
    from pb.proposals.models import Proposal

    titles = {str(p.id): p.public_id for p in db.session.query(Proposal).filter_by(pot_id=pot.id)}
    assert {titles[s] for s in result.outcome["selected"]} == official
    assert pot.council.currency == "PLN"
    signing.create(pot.council)
    out = tmp_path / "wieliczka.zip"
    out.write_bytes(package.build(pot))
    report = verify(out)
    assert report.ok, report.failures
    # Shown in its own currency, on its page and on its council's dashboard.
    assert "PLN1,000,000" in client.get(f"/pots/{pot.id}/results").text
    dashboard = client.get(f"/goes-local?council={pot.council_id}&year=2023").text
    assert "Green Budget" in dashboard and "PLN1,000,000" in dashboard and "£" not in dashboard


def test_re_count_with_pabutools(zip_path):
    report = verify(zip_path, with_pabutools=True)
    assert report.ok, report.failures
    assert any(check.name == "re-count with pabutools" for check in report.checks)


def _events(files) -> list[dict]:
    return [json.loads(line) for line in files["events.jsonl"].decode().splitlines()]


def _rechain(files, events) -> dict:
    """Write events back with heights and parents recomputed, as an insider could."""
    lines, parent = [], "0" * 64
    for height, event in enumerate(events):
        event = {**event, "height": height, "parent": parent}
        line = json.dumps(event, sort_keys=True, separators=(",", ":"))
        parent = chain.sha256_hex(line)
        lines.append(line + "\n")
    files["events.jsonl"] = "".join(lines).encode()
    return files


def _with_closing(files, closing) -> dict:
    """Swap the manifest's closing counts and the chain's commitment to them together."""
    manifest = json.loads(files["manifest.json"])
    manifest["closing"] = closing
    files["manifest.json"] = json.dumps(manifest).encode()
    events = _events(files)
    for event in events:
        if event["type"] == "voting_closed":
            event["payload_sha256"] = chain.sha256_hex(chain.canonical(closing))
    return _rechain(files, events)


def test_more_ballots_of_a_channel_than_its_voters_fail(zip_path):
    closing = {"participations": {"online": 3, "paper": 1}, "ballots": {"online": 3, "paper": 2}}
    report = verify(_repack(zip_path, _with_closing(_files(zip_path), closing)))
    assert "paper ballots <= paper voters: 2 paper ballots for 1 paper voters" in report.failures


def test_a_count_that_differs_from_the_closing_commitment_fails(zip_path):
    files = _files(zip_path)
    manifest = json.loads(files["manifest.json"])
    manifest["closing"]["ballots"]["online"] = 2
    files["manifest.json"] = json.dumps(manifest).encode()
    report = verify(_repack(zip_path, files))
    assert any(f.startswith("closing counts are the ones committed") for f in report.failures)
    assert any(f.startswith("online ballots = the closing count") for f in report.failures)


def test_a_cast_after_the_close_fails(zip_path):
    files = _files(zip_path)
    events = _events(files)
    closed = next(i for i, e in enumerate(events) if e["type"] == "voting_closed")
    cast = next(i for i, e in enumerate(events) if e["type"] == "ballot_cast")
    events.insert(closed, events.pop(cast))  # the cast now follows the close
    report = verify(_repack(zip_path, _rechain(files, events)))
    assert any(f.startswith("nothing cast after the close") for f in report.failures), (
        report.failures
    )
    assert not any(f.startswith("chain") for f in report.failures)  # the chain itself holds


def test_cast_events_carry_no_time(zip_path):
    for event in _events(_files(zip_path)):
        if event["type"] == "ballot_cast":
            assert "at" not in event
        else:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["at"])


def test_ballots_of_no_known_channel_fail(zip_path):
    """Attack: five extra ballots marked `postal`, with the opening's commitment recomputed."""
    files = _files(zip_path)
    extra = [f"{'f' * 31}{n};{_first_project(files)};postal\n" for n in range(5)]
    files = _tamper_ballots(files, lambda ls, s: ls[:s] + ls[s:] + extra)
    report = verify(_repack(zip_path, files))
    assert "every ballot is online or paper: 5 ballots name neither channel" in report.failures


def _first_project(files) -> str:
    return pabulib.parse(files["ballots.pb"].decode()).projects[0][0]
