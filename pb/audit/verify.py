"""Checking an audit package with nothing but the package: `pb verify FILE.zip`.

Pure Python (the zip, cryptography and pb.tally), no database and no app, so any citizen or
auditor can run it. Each check adds a line to the report; the package holds when none fails.
"""

import hashlib
import json
import math
import tempfile
import zipfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pb.money import DEFAULT_CURRENCY, from_major, minor_per_major
from pb.tally import pabulib, run
from pb.tally.election import BallotError as TallyBallotError
from pb.tally.election import Election
from pb.voting import ballots as ballot_rules
from pb.voting.receipts import ballot_id_for, looks_like_receipt, receipt_hash

GENESIS = "0" * 64
FILES = ("manifest.json", "ballots.pb", "results.json", "events.jsonl")
CAST_TYPES = ("ballot_cast", "paper_ballot", "imported_ballot")


@dataclass
class Report:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append((name, ok, detail))
        return ok

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.checks)

    @property
    def failures(self) -> list[str]:
        return [f"{name}: {detail}" for name, ok, detail in self.checks if not ok]

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checks": [{"check": n, "ok": ok, "detail": d} for n, ok, d in self.checks],
        }


def _sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def verify(
    path, *, receipt: str | None = None, public_key: str | None = None, with_pabutools: bool = False
) -> Report:
    """Run every check on the package at `path`; see the module docstring."""
    report = Report()
    try:
        with zipfile.ZipFile(path) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    except (OSError, zipfile.BadZipFile) as exc:
        report.add("package", False, f"cannot open the zip: {exc}")
        return report
    missing = [n for n in (*FILES, "SHA256SUMS", "SHA256SUMS.sig") if n not in files]
    if not report.add("files", not missing, f"missing {', '.join(missing)}" if missing else ""):
        return report
    try:
        manifest = json.loads(files["manifest.json"])
        results = json.loads(files["results.json"])
    except ValueError as exc:
        report.add("json", False, f"manifest.json or results.json is not JSON: {exc}")
        return report

    _check_signature(report, files, manifest, public_key)
    _check_sums(report, files)
    events = _check_chain(report, files["events.jsonl"])
    data = _check_ballots(report, files["ballots.pb"], manifest, events)
    _check_seed(report, manifest, results, events)
    _check_publication(report, files["results.json"], events)
    if data is not None:
        _check_recount(report, data, manifest, results, with_pabutools)
    if receipt is not None:
        _check_receipt(report, receipt, data, events)
    return report


def _check_signature(report, files, manifest, pinned):
    key_hex = pinned or manifest.get("public_key", {}).get("hex", "")
    if pinned and manifest.get("public_key", {}).get("hex") != pinned:
        report.add("public key", False, "the manifest names a different key from the council's")
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
        signature = bytes.fromhex(files["SHA256SUMS.sig"].decode().strip())
        key.verify(signature, files["SHA256SUMS"])
    except (ValueError, InvalidSignature):
        report.add("signature", False, "SHA256SUMS is not signed by the council's key")
        return
    report.add("signature", True, f"Ed25519 key {key_hex[:16]}...")


def _check_sums(report, files):
    listed = {}
    for line in files["SHA256SUMS"].decode(errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name.strip()] = digest.strip()
    for name in FILES:
        actual = _sha256(files[name])
        if listed.get(name) != actual:
            report.add(f"hash of {name}", False, "does not match SHA256SUMS: the file was changed")
        else:
            report.add(f"hash of {name}", True)
    extra = sorted(set(files) - set(FILES) - {"SHA256SUMS", "SHA256SUMS.sig"})
    if extra:
        report.add("files", False, f"unexpected files: {', '.join(extra)}")


def _check_chain(report, raw: bytes) -> list[dict]:
    events, parent, problems = [], GENESIS, []
    for number, line in enumerate(raw.decode(errors="replace").splitlines(), start=1):
        try:
            event = json.loads(line)
        except ValueError:
            problems.append(f"line {number} is not JSON")
            break
        if event.get("height") != number - 1:
            problems.append(
                f"line {number} has height {event.get('height')}, expected {number - 1}"
            )
        if event.get("parent") != parent:
            problems.append(f"line {number} does not follow from line {number - 1}")
        parent = _sha256(line)
        events.append(event)
    if not events:
        problems.append("the chain is empty")
    report.add("chain", not problems, "; ".join(problems[:5]) or f"{len(events)} events")
    return events


def _check_ballots(report, raw: bytes, manifest, events):
    try:
        data = pabulib.parse(raw.decode("utf-8"), "ballots.pb")
    except (pabulib.PabulibError, UnicodeDecodeError, TallyBallotError) as exc:
        report.add("ballots.pb", False, str(exc))
        return None
    ballots = len(data.votes)
    casts = sum(1 for e in events if e.get("type") in CAST_TYPES)
    eligible = manifest.get("counts", {}).get("eligible", 0)
    report.add("ballots = cast events", ballots == casts, f"{ballots} ballots, {casts} cast events")
    if eligible is None:  # an imported election that does not say who could vote
        report.add("ballots <= eligible", True, f"{ballots} ballots; who could vote is not known")
    else:
        report.add(
            "ballots <= eligible", ballots <= eligible, f"{ballots} ballots for {eligible} eligible"
        )
    ids = [row[0] for row in data.votes]
    report.add(
        "ballot ids",
        ids == sorted(ids) and len(set(ids)) == len(ids),
        "" if ids == sorted(set(ids)) else "not sorted or not unique",
    )
    channel = (
        data.vote_columns.index("voting_method") if "voting_method" in data.vote_columns else None
    )
    counts = manifest.get("counts", {})
    if channel is not None:
        online = sum(1 for row in data.votes if row[channel] == "internet")
        expected = (counts.get("ballots_online"), counts.get("ballots_paper"))
        report.add(
            "online and paper counts",
            (online, ballots - online) == expected,
            f"{online} online and {ballots - online} paper in ballots.pb, "
            f"manifest says {expected[0]} and {expected[1]}",
        )
    _check_limits(report, data, manifest)
    return data


def _check_limits(report, data, manifest):
    limits = manifest.get("ballot", {})
    pot = SimpleNamespace(
        ballot_method=limits.get("method"),
        min_picks=limits.get("min_picks") or 1,
        max_picks=limits.get("max_picks"),
        spending_cap=limits.get("spending_cap"),
        points_total=limits.get("points_total"),
        points_max=limits.get("points_max"),
        currency=manifest.get("pot", {}).get("currency") or DEFAULT_CURRENCY,
    )
    projects = [
        SimpleNamespace(id=int(row[0]), cost=from_major(row[1], pot.currency))
        for row in data.projects
    ]
    vote, points = data.vote_columns.index("vote"), None
    if "points" in data.vote_columns:
        points = data.vote_columns.index("points")
    bad = []
    for row in data.votes:
        chosen = [c for c in row[vote].split(",") if c]
        try:
            if pot.ballot_method == "points":
                raw = dict(zip(chosen, row[points].split(","), strict=True))
            elif pot.ballot_method == "ranked":
                raw = {c: rank for rank, c in enumerate(chosen, start=1)}
            else:
                raw = chosen
            ballot_rules.check(pot, projects, raw)
        except (ballot_rules.BallotError, ValueError) as exc:
            bad.append(f"{row[0]}: {exc}")
    report.add("ballots within the limits", not bad, "; ".join(bad[:3]))


def _check_seed(report, manifest, results, events):
    tie = manifest.get("tie_break", {})
    seed, commitment = tie.get("seed") or "", tie.get("seed_sha256") or ""
    if not seed and tie.get("seed_sha256") is None:
        # An imported election: its source names no lottery, so there is nothing to check.
        report.add("seed matches its commitment", True, "no tie-break seed (imported election)")
    else:
        report.add(
            "seed matches its commitment",
            _sha256(seed) == commitment,
            "" if _sha256(seed) == commitment else "SHA-256 of the seed is not the commitment",
        )
    report.add("results use the published seed", (results.get("seed") or "") == seed)
    opening = next((e for e in events if e.get("type") == "voting_opened"), None)
    if opening is not None:
        pot = manifest.get("pot", {}).get("id")
        expected = _sha256(_canonical({"pot": pot, "seed_sha256": tie.get("seed_sha256")}))
        report.add("commitment was in the chain at opening", opening["payload_sha256"] == expected)


def _check_publication(report, raw_results: bytes, events):
    published = [e for e in events if e.get("type") == "published"]
    ok = bool(published) and published[-1]["payload_sha256"] == _sha256(raw_results)
    report.add(
        "results.json is the last publication in the chain",
        ok,
        "" if ok else "results.json differs from what was published",
    )


def _check_recount(report, data, manifest, results, with_pabutools):
    rule = manifest.get("rule", "greedy")
    seed = manifest.get("tie_break", {}).get("seed") or ""
    election = data.election
    # ballots.pb gives major units; pb counts in the largest unit, up to one major unit, that
    # all the money (in minor units) is made of.
    scale = minor_per_major(manifest.get("pot", {}).get("currency") or DEFAULT_CURRENCY)
    budget = int(Fraction(election.budget) * scale)
    costs = {pid: int(Fraction(cost) * scale) for pid, cost in election.projects.items()}
    unit = math.gcd(scale, budget, *costs.values())
    election = Election(
        {pid: cost // unit for pid, cost in costs.items()},
        budget // unit,
        election.vote_type,
        election.profile,
    )
    try:
        outcome = run(election, rule, seed)
    except (ValueError, KeyError) as exc:
        report.add("re-count", False, f"cannot re-count: {exc}")
        return
    published = results.get("outcome", {})
    same = list(outcome.selected) == published.get("selected") and Fraction(
        outcome.total_cost
    ) * unit == Fraction(str(published.get("total_cost")))
    report.add(
        "re-count matches results.json",
        same,
        ""
        if same
        else f"re-count funds {list(outcome.selected)}, "
        f"results.json says {published.get('selected')}",
    )
    if with_pabutools:
        _recount_with_pabutools(report, data, election, rule, seed, published)


def _recount_with_pabutools(report, data, election, rule, seed, published):
    try:
        from pb.tally.crosscheck import pabutools_outcome
    except ImportError:
        report.add("re-count with pabutools", False, "pabutools is not installed")
        return
    meta = {"max_length": data.meta["max_length"]} if "max_length" in data.meta else {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ballots.pb"
        pabulib.write(pabulib.from_election(election, meta), path)
        selected = pabutools_outcome(path, rule, seed)
    report.add(
        "re-count with pabutools",
        list(selected) == published.get("selected"),
        f"pabutools funds {list(selected)}",
    )


def _check_receipt(report, receipt, data, events):
    if not looks_like_receipt(receipt):
        report.add("receipt", False, "that is not a receipt code")
        return
    ballot_id = ballot_id_for(receipt)
    in_chain = any(
        e.get("type") == "ballot_cast" and e.get("payload_sha256") == receipt_hash(receipt)
        for e in events
    )
    line = None
    if data is not None:
        rows = [row[0] for row in data.votes]
        line = rows.index(ballot_id) + 1 if ballot_id in rows else None
    report.add("receipt's cast is in the chain", in_chain)
    report.add(
        "receipt's ballot is in ballots.pb",
        line is not None,
        f"ballot {ballot_id}" + (f", vote row {line}" if line else " not found"),
    )
