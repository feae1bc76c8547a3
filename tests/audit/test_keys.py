"""The council's signing key and the verifier's trust anchor (issue 14).

The attack: a package re-signed with a fresh key (a ballot and its chain event dropped, the
chain rehashed) was "ok signature" when no key was given. Now such a package is at best
consistent but unconfirmed (exit 3), and fails against any anchor: the council's key or
fingerprint, an earlier package, or the council's signed key list.
"""

import hashlib
import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pb.audit import chain, keytrust, package, signing
from pb.audit.verify import verify
from pb.cli import EXIT_CONFIRMED, EXIT_FAILED, EXIT_UNCONFIRMED, cli
from pb.councils.models import Council
from pb.extensions import db
from pb.results.opening import ballots_digest, opening_payload
from pb.timeutil import utcnow
from tests.audit.test_package import _files, _repack, _script_info

_CHANNEL = {"online": "online", "internet": "online", "paper": "paper"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _forge(zip_path, key):
    """Drop one online ballot and one cast event, fix every count, rehash the chain and sign
    with `key`: a package consistent in every way but the key. (Which ballot can go without
    changing who is funded depends on the tie-break, so each is tried in turn.)"""
    genuine = _files(zip_path)
    for which in range(3):
        _forge_one(zip_path, dict(genuine), key, which)
        if verify(zip_path).ok:
            return zip_path
    raise AssertionError("no ballot could be dropped without changing the outcome")


def _forge_one(zip_path, files, key, which):
    manifest = json.loads(files["manifest.json"])
    results = json.loads(files["results.json"])
    lines = files["ballots.pb"].decode().splitlines(keepends=True)
    start = lines.index("VOTES\n") + 2
    online = [i for i in range(start, len(lines)) if lines[i].rstrip().endswith(";internet")]
    dropped = online[which]
    del lines[dropped]
    files["ballots.pb"] = (
        "".join(lines)
        .replace(f"num_votes;{len(lines) - start + 1}\n", f"num_votes;{len(lines) - start}\n")
        .encode()
    )
    manifest["counts"]["ballots_online"] -= 1
    manifest["counts"]["participations"] -= 1
    manifest["counts"]["participations_online"] -= 1
    closing = manifest["closing"]
    closing["participations"]["online"] -= 1
    closing["ballots"]["online"] -= 1
    manifest["public_key"] = {"algorithm": "Ed25519", "hex": signing.public_key_hex(key)}
    results["ballots_online"] -= 1
    results["outcome"].pop("what_it_would_take", None)  # the forger leaves out what it cannot fix
    raw_results = json.dumps(results, sort_keys=True, separators=(",", ":")).encode()
    events = [json.loads(line) for line in files["events.jsonl"].splitlines()]
    cast = next(i for i, e in enumerate(events) if e["type"] == "ballot_cast")
    del events[cast]
    # The close's and the opening's commitments, recomputed for what is left (approval).
    kept = [line.rstrip("\n").split(";") for line in lines[start:]]
    opened = [
        (row[0], _CHANNEL[row[-1]], sorted(int(c) for c in row[1].split(","))) for row in kept
    ]
    online = sum(1 for _, channel, _ in opened if channel == "online")
    opening = opening_payload(online, len(opened) - online, ballots_digest(opened))
    parent, out = "0" * 64, []
    for height, event in enumerate(events):
        event["height"], event["parent"] = height, parent
        if event["type"] == "published":
            event["payload_sha256"] = _sha(raw_results)
        elif event["type"] == "voting_closed":
            event["payload_sha256"] = _sha(chain.canonical(closing))
        elif event["type"] == "envelopes_opened":
            event["payload_sha256"] = _sha(opening)
        line = json.dumps(event, sort_keys=True, separators=(",", ":"))
        parent = _sha(line.encode())
        out.append(line + "\n")
    files.update(
        {
            "manifest.json": json.dumps(manifest).encode(),
            "results.json": raw_results,
            "events.jsonl": "".join(out).encode(),
        }
    )
    return _repack(zip_path, files, key=key)


@pytest.fixture
def council(published):
    return published[0].council


def test_the_published_package_is_confirmed_by_the_councils_fingerprint(zip_path, council):
    report = verify(zip_path)
    assert report.ok and not report.confirmed, report.trust
    assert "nothing confirms" in report.trust.detail
    for given in (signing.fingerprint_of(council), signing.current(council).public_hex):
        report = verify(zip_path, public_key=given)
        assert report.confirmed, (report.failures, report.trust)


def test_a_forgery_with_a_fresh_key_is_never_confirmed(tmp_path, zip_path, council):
    genuine = tmp_path / "genuine.zip"
    genuine.write_bytes(zip_path.read_bytes())
    forged = _forge(zip_path, Ed25519PrivateKey.generate())
    consistent = verify(forged)
    assert consistent.ok, consistent.failures  # the forgery holds together...
    assert not consistent.confirmed  # ...but nothing confirms its key
    runner = CliRunner()
    plain = runner.invoke(cli, ["verify", str(forged)])
    assert plain.exit_code == EXIT_UNCONFIRMED, plain.output
    assert "NOT confirmed" in plain.output
    by_fingerprint = runner.invoke(
        cli, ["verify", str(forged), "--public-key", signing.fingerprint_of(council)]
    )
    assert by_fingerprint.exit_code == EXIT_FAILED
    assert "FAIL  public key: the package is signed by key" in by_fingerprint.output
    pinned = verify(forged, pinned_from=[genuine])
    assert pinned.ok and not pinned.confirmed
    assert "not by the key of the earlier package" in pinned.trust.detail
    key_list = json.dumps(signing.key_list(council)).encode()
    listed = verify(forged, key_list=key_list)
    assert not listed.ok
    assert any("does not list the signing key" in f for f in listed.failures)


def test_a_forged_key_list_does_not_help_a_forgery(zip_path, council):
    fresh = Ed25519PrivateKey.generate()
    forged = _forge(zip_path, fresh)
    document = signing.key_list(council)
    document["keys"].append({"algorithm": "Ed25519", "hex": signing.public_key_hex(fresh)})
    report = verify(forged, key_list=json.dumps(document).encode())
    assert not report.ok
    assert any("signature by" in f and "does not hold" in f for f in report.failures)


def test_a_rotation_is_followed_through_the_key_list(tmp_path, zip_path, published, council):
    pot, _ = published
    old_package = tmp_path / "old.zip"
    old_package.write_bytes(zip_path.read_bytes())
    old = signing.current(council)
    new = signing.rotate(council, timedelta(days=30))
    db.session.flush()
    assert new.public_hex != old.public_hex
    new_package = tmp_path / "new.zip"
    new_package.write_bytes(package.build(pot))  # signed by the new key
    during_overlap = signing.key_list(council)
    assert {s["fingerprint"] for s in during_overlap["signatures"]} == {
        old.fingerprint,
        new.fingerprint,
    }

    alone = verify(new_package, pinned_from=[old_package])
    assert alone.ok and not alone.confirmed
    followed = verify(
        new_package, pinned_from=[old_package], key_list=json.dumps(during_overlap).encode()
    )
    assert followed.confirmed, (followed.failures, followed.trust)
    assert "rotation" in followed.trust.detail
    # The old package still verifies against the new list: it was published before retiring.
    assert verify(old_package, key_list=json.dumps(during_overlap).encode()).confirmed

    # After the overlap the old key no longer signs the list, so a list issued then does not
    # carry trust from it; one saved during the overlap still does.
    old.retires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    after = signing.key_list(council)
    assert [s["fingerprint"] for s in after["signatures"]] == [new.fingerprint]
    late = verify(new_package, pinned_from=[old_package], key_list=json.dumps(after).encode())
    assert late.ok and not late.confirmed


def test_a_key_that_retired_before_publication_is_refused(zip_path, council):
    key = signing.current(council)
    document = signing.key_list(council)
    document["keys"][0]["valid_until"] = "2000-01-01T00:00:00Z"
    message = signing.canonical(document)
    document["signatures"] = [
        {"fingerprint": key.fingerprint, "signature": signing.private_key(key).sign(message).hex()}
    ]
    report = verify(zip_path, key_list=json.dumps(document).encode())
    assert any("retired on 2000-01-01" in f for f in report.failures), report.failures


def test_an_earlier_package_of_another_council_is_no_anchor(tmp_path, zip_path, council):
    other = tmp_path / "other.zip"
    files = _files(zip_path)
    manifest = json.loads(files["manifest.json"])
    manifest["council"] = {"id": 999, "name": "Elsewhere"}
    files["manifest.json"] = json.dumps(manifest).encode()
    _repack(other, files)
    report = verify(zip_path, pinned_from=[other])
    assert any("of another council" in f for f in report.failures)


@pytest.mark.parametrize(
    "key_list", [b"", b"[]", b'{"format": "pb-council-keys/1"}', b"{" * 5000, b"\xff"]
)
def test_a_malformed_key_list_is_a_fail_line(zip_path, key_list):
    report = verify(zip_path, key_list=key_list)
    assert not report.ok and any(f.startswith("public key") for f in report.failures)


def test_server_and_verifier_agree_on_fingerprints():
    for _ in range(20):
        hex_key = signing.public_key_hex(Ed25519PrivateKey.generate())
        assert signing.fingerprint(hex_key) == keytrust.fingerprint(hex_key)
        assert keytrust.matches(hex_key, signing.fingerprint(hex_key).upper())
        assert not keytrust.matches(hex_key, signing.fingerprint(hex_key)[:-1] + "x")


def test_keys_are_made_once_by_the_command_and_rotate(app, tmp_path):
    council = Council(name="Newtown Council", annual_budget=0)
    db.session.add(council)
    db.session.commit()
    runner, obj = CliRunner(), _script_info(app)
    args = ["--council", str(council.id)]
    made = runner.invoke(cli, ["signing-key", "create", *args], obj=obj)
    assert made.exit_code == 0, made.output
    assert signing.fingerprint_of(council) in made.output
    again = runner.invoke(cli, ["signing-key", "create", *args], obj=obj)
    assert again.exit_code == 1 and "already has a signing key" in again.output
    rotated = runner.invoke(cli, ["signing-key", "rotate", *args], obj=obj)
    assert rotated.exit_code == 0, rotated.output
    out = tmp_path / "keys.json"
    listed = runner.invoke(cli, ["signing-key", "list", *args, "-o", str(out)], obj=obj)
    assert listed.exit_code == 0, listed.output
    document = keytrust.read_key_list(out.read_bytes())
    assert len(document.keys) == 2 and len(document.signers) == 2


def test_no_key_no_package(published):
    pot, _ = published
    db.session.delete(signing.current(pot.council))
    db.session.flush()
    with pytest.raises(signing.NoSigningKey, match="pb signing-key create"):
        package.build(pot)


def test_the_fingerprint_is_on_the_check_pages(client, published, council):
    pot, _ = published
    fingerprint = signing.fingerprint_of(council)
    for path in ("/check-the-results", f"/check-the-results?pot={pot.id}"):
        assert fingerprint in client.get(path).text, path
    # Residents' pages carry no hashes; they link to the check page for this pot.
    for path in (f"/pots/{pot.id}", f"/pots/{pot.id}/results"):
        page = client.get(path).text
        assert fingerprint not in page, path
        assert "/check-the-results" in page, path
    served = client.get(f"/councils/{council.id}/signing-keys.json")
    assert served.status_code == 200
    assert keytrust.read_key_list(served.data).signers == {signing.current(council).public_hex}


def test_the_exit_codes_are_distinct():
    assert len({EXIT_CONFIRMED, EXIT_FAILED, EXIT_UNCONFIRMED}) == 3
    assert EXIT_UNCONFIRMED != 2  # click's own code for a usage error
