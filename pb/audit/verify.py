"""Checking an audit package with nothing but the package: `pb verify FILE.zip`.

Pure Python (the zip, cryptography and pb.tally), no database and no app, so any citizen or
auditor can run it. Each check adds a line to the report; the package holds when none fails.
It is *confirmed* when, besides, its signing key is tied to the council (pb.audit.keytrust).

Each check has a stable English name (its id: "chain", "hash of ballots.pb") and a label and
detail in the reader's language (PB_LANGUAGE, through pb.audit.speech). Code that asks which
check failed compares names; people read labels. `pb verify --json` runs the checks with
translation off (speech.in_english), so what machines read is the same in every language.
"""

import hashlib
import json
import math
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pb.audit import keytrust, safezip, shapes
from pb.audit.speech import _, ngettext, number
from pb.money import DEFAULT_CURRENCY, from_major, minor_per_major
from pb.tally import pabulib, run
from pb.tally.election import BallotError as TallyBallotError
from pb.tally.election import Election
from pb.tally.outcome import money_json
from pb.voting import ballots as ballot_rules
from pb.voting.receipts import ballot_id_for, looks_like_receipt, receipt_hash

GENESIS = "0" * 64
FILES = ("manifest.json", "ballots.pb", "results.json", "events.jsonl")
# Events that add ballots; none may follow the closing event.
CAST_TYPES = ("ballot_cast", "paper_batch", "imported_ballot")
# ballots.pb names the channel as pabulib does (internet, paper); pb's own word is online.
_CHANNELS = {"online": "online", "internet": "online", "paper": "paper"}


class Check(NamedTuple):
    """One line of the report: `name` is the check's stable English id (for code and JSON),
    `label` the same in the reader's language."""

    name: str
    ok: bool
    detail: str
    label: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    trust: keytrust.Trust | None = None  # whether the signing key is confirmed as the council's

    def add(self, name: str, label: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, ok, detail, label))
        return ok

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def confirmed(self) -> bool:
        """True when the package holds and its signing key is confirmed as the council's."""
        return self.ok and self.trust is not None and self.trust.confirmed

    @property
    def failures(self) -> list[str]:
        """Each failed check as "label: detail", in the reader's language."""
        return [
            _("%(check)s: %(detail)s", check=c.label, detail=c.detail)
            for c in self.checks
            if not c.ok
        ]

    def to_dict(self) -> dict:
        """The report for machines: check names (ids), not labels; build the report inside
        speech.in_english() for details that do not depend on PB_LANGUAGE (pb verify --json)."""
        return {
            "ok": self.ok,
            "confirmed": self.confirmed,
            "key": self.trust.detail if self.trust else None,
            "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
        }


def _sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def verify(
    path,
    *,
    receipt: str | None = None,
    public_key: str | None = None,
    with_pabutools: bool = False,
    limits: safezip.Limits | None = None,
    pinned_from=(),
    key_list: bytes | None = None,
) -> Report:
    """Run every check on the package at `path`; see the module docstring.

    Never raises on a malformed package: the zip is read by pb.audit.safezip (one reading
    only, sizes capped before decompressing), the JSON files' shapes are checked first
    (pb.audit.shapes), and a check that still cannot run on what it finds is a FAIL line.
    """
    report = Report()
    try:
        files = safezip.read(path, {*FILES, "SHA256SUMS", "SHA256SUMS.sig"}, limits)
    except safezip.UnsafeZip as exc:
        # Translators: a check's name in pb verify's report: the audit package as a whole.
        report.add("package", _("package"), False, str(exc))
        return report
    missing = [n for n in (*FILES, "SHA256SUMS", "SHA256SUMS.sig") if n not in files]
    detail = _("missing %(files)s", files=", ".join(missing)) if missing else ""
    # Translators: a check's name in pb verify's report: the package's files are all there.
    if not report.add("files", _("files"), not missing, detail):
        return report
    try:
        manifest = json.loads(files["manifest.json"])
        results = json.loads(files["results.json"])
    except (ValueError, RecursionError) as exc:
        report.add(
            "json",
            # Translators: a check's name in pb verify's report: the files are JSON.
            _("json"),
            False,
            _(
                "%(manifest)s or %(results)s is not JSON: %(problem)s",
                manifest="manifest.json",
                results="results.json",
                problem=exc,
            ),
        )
        return report
    problems = [
        *shapes.manifest(manifest),
        *shapes.results(results),
        *shapes.events(files["events.jsonl"]),
    ]
    # Translators: a check's name in pb verify's report: the JSON files have the expected shape.
    if not report.add("well-formed", _("well-formed"), not problems, "; ".join(problems[:6])):
        return report

    _guarded(report, "signature", _("signature"), _check_signature, files, manifest)
    _guarded(
        report,
        "public key",
        _("public key"),
        _check_key_trust,
        manifest,
        results,
        public_key,
        pinned_from,
        key_list,
    )
    # Translators: a check's name in pb verify's report: the files' SHA-256 hashes.
    _guarded(report, "hashes", _("hashes"), _check_sums, files)
    # Translators: a check's name in pb verify's report: the hash chain of the audit log.
    events = _guarded(report, "chain", _("chain"), _check_chain, files["events.jsonl"]) or []
    data = _guarded(
        report, "ballots.pb", "ballots.pb", _check_ballots, files["ballots.pb"], manifest, events
    )
    # Translators: a check's name in pb verify's report: the tie-break seed.
    _guarded(report, "seed", _("seed"), _check_seed, manifest, results, events)
    _guarded(
        report,
        "publication",
        # Translators: a check's name in pb verify's report: the publication of the results.
        _("publication"),
        _check_publication,
        files["results.json"],
        events,
    )
    if data is not None:
        _guarded(
            report,
            "re-count",
            _("re-count"),
            _check_recount,
            data,
            manifest,
            results,
            with_pabutools,
        )
    if receipt is not None:
        _guarded(report, "receipt", _("receipt"), _check_receipt, receipt, data, events)
    return report


def _guarded(report, name, label, check, *args):
    """Run one check; if what it reads is malformed in a way no shape check foresaw, that is
    a FAIL line naming the check and the problem, never a traceback."""
    try:
        return check(report, *args)
    except Exception as exc:  # any error here means a malformed package
        report.add(
            name,
            label,
            False,
            _("cannot check, the package is malformed: %(problem)s", problem=_describe(exc)),
        )
        return None


def _describe(exc: Exception) -> str:
    text = str(exc)
    return (text[:200] + "...") if len(text) > 200 else (text or type(exc).__name__)


def _check_signature(report, files, manifest):
    """SHA256SUMS is signed by the key the manifest names (whose key that is: keytrust)."""
    key_hex = manifest["public_key"]["hex"]
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
        signature = bytes.fromhex(files["SHA256SUMS.sig"].decode().strip())
        key.verify(signature, files["SHA256SUMS"])
    except (ValueError, UnicodeDecodeError, InvalidSignature):
        report.add(
            "signature",
            _("signature"),
            False,
            _("%(file)s is not signed by the key the manifest names", file="SHA256SUMS"),
        )
        return
    report.add(
        "signature",
        _("signature"),
        True,
        _("Ed25519 key %(fingerprint)s", fingerprint=keytrust.fingerprint(key_hex)),
    )


def _check_key_trust(report, manifest, results, public_key, pinned_from, key_list):
    """Is the signing key the council's? Failures fail the package; no anchor leaves it
    consistent but unconfirmed (Report.confirmed)."""
    report.trust = keytrust.assess(
        manifest,
        results.get("published_at"),
        public_key=public_key,
        pinned_from=pinned_from,
        key_list=key_list,
    )
    for failure in report.trust.failures:
        report.add("public key", _("public key"), False, failure)


def _check_sums(report, files):
    listed = {}
    for line in files["SHA256SUMS"].decode(errors="replace").splitlines():
        digest, _sep, name = line.partition("  ")
        listed[name.strip()] = digest.strip()
    for name in FILES:
        actual = _sha256(files[name])
        label = _("hash of %(file)s", file=name)
        if listed.get(name) != actual:
            detail = _("does not match %(sums)s: the file was changed", sums="SHA256SUMS")
            report.add(f"hash of {name}", label, False, detail)
        else:
            report.add(f"hash of {name}", label, True)
    extra = sorted(set(files) - set(FILES) - {"SHA256SUMS", "SHA256SUMS.sig"})
    if extra:
        report.add(
            "files", _("files"), False, _("unexpected files: %(files)s", files=", ".join(extra))
        )


def _check_chain(report, raw: bytes) -> list[dict]:
    events, parent, problems = [], GENESIS, []
    for at, line in enumerate(raw.decode(errors="replace").splitlines(), start=1):
        try:
            event = json.loads(line)
        except ValueError:
            problems.append(_("line %(line)s is not JSON", line=at))
            break
        if event.get("height") != at - 1:
            problems.append(
                _(
                    "line %(line)s has height %(height)s, expected %(expected)s",
                    line=at,
                    height=event.get("height"),
                    expected=at - 1,
                )
            )
        if event.get("parent") != parent:
            problems.append(
                _("line %(line)s does not follow from line %(previous)s", line=at, previous=at - 1)
            )
        parent = _sha256(line)
        events.append(event)
    if not events:
        problems.append(_("the chain is empty"))
    detail = "; ".join(problems[:5]) or ngettext("%(num)s event", "%(num)s events", len(events))
    report.add("chain", _("chain"), not problems, detail)
    return events


def _check_ballots(report, raw: bytes, manifest, events):
    try:
        data = pabulib.parse(raw.decode("utf-8"), "ballots.pb")
    except (pabulib.PabulibError, UnicodeDecodeError, TallyBallotError) as exc:
        report.add("ballots.pb", "ballots.pb", False, str(exc))
        return None
    ballots = len(data.votes)
    eligible = manifest.get("counts", {}).get("eligible", 0)
    label = _("ballots <= eligible")
    if eligible is None:  # an imported election that does not say who could vote
        report.add(
            "ballots <= eligible",
            label,
            True,
            ngettext(
                "%(num)s ballot; who could vote is not known",
                "%(num)s ballots; who could vote is not known",
                ballots,
            ),
        )
    else:
        report.add(
            "ballots <= eligible",
            label,
            ballots <= eligible,
            ngettext(
                "%(num)s ballot for %(eligible)s eligible",
                "%(num)s ballots for %(eligible)s eligible",
                ballots,
                eligible=number(eligible),
            ),
        )
    ids = [row[0] for row in data.votes]
    report.add(
        "ballot ids",
        _("ballot ids"),
        ids == sorted(ids) and len(set(ids)) == len(ids),
        "" if ids == sorted(set(ids)) else _("not sorted or not unique"),
    )
    opened = _check_limits(report, data, manifest)
    _check_channels(report, opened, manifest, events)
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
    method = (
        data.vote_columns.index("voting_method") if "voting_method" in data.vote_columns else None
    )
    bad, opened = [], []
    for row in data.votes:
        chosen = [c for c in row[vote].split(",") if c]
        try:
            if pot.ballot_method == "points":
                raw = dict(zip(chosen, row[points].split(","), strict=True))
            elif pot.ballot_method == "ranked":
                raw = {c: rank for rank, c in enumerate(chosen, start=1)}
            else:
                raw = chosen
            choices = ballot_rules.check(pot, projects, raw)
        except (ballot_rules.BallotError, ValueError) as exc:
            bad.append(f"{row[0]}: {exc}")
            continue
        channel = _CHANNELS.get(row[method].strip().lower(), "?") if method is not None else "?"
        opened.append((row[0], channel, choices))
    report.add(
        "ballots within the limits", _("ballots within the limits"), not bad, "; ".join(bad[:3])
    )
    return opened


def _check_channels(report, opened, manifest, events):
    """Ballots reconcile with voters per channel, with the closing commitment, with the casts
    in the chain and with the opening of the envelopes; nothing was cast after the close."""
    closing = manifest.get("closing")
    closed_at = next((i for i, e in enumerate(events) if e.get("type") == "voting_closed"), None)
    if not isinstance(closing, dict) or closed_at is None:
        report.add(
            "closing commitment",
            _("closing commitment"),
            False,
            _("the package has no closing counts or event"),
        )
        return
    committed = events[closed_at].get("payload_sha256") == _sha256(_canonical(closing))
    report.add(
        "closing counts are the ones committed at the close",
        _("closing counts are the ones committed at the close"),
        committed,
        "" if committed else _("the manifest's closing counts differ from the chain's commitment"),
    )
    late = [e.get("height") for e in events[closed_at + 1 :] if e.get("type") in CAST_TYPES]
    report.add(
        "nothing cast after the close",
        _("nothing cast after the close"),
        not late,
        _("cast events after the close at heights %(heights)s", heights=late[:5]) if late else "",
    )
    taken, cast = closing.get("participations"), closing.get("ballots")
    if not isinstance(taken, dict) or not isinstance(cast, dict):
        report.add(
            "closing commitment",
            _("closing commitment"),
            False,
            _("the closing counts are not per channel"),
        )
        return
    found = {
        channel: sum(1 for _id, c, _choices in opened if c == channel)
        for channel in ("online", "paper")
    }
    strays = len(opened) - found["online"] - found["paper"]
    report.add(
        "every ballot is online or paper",
        _("every ballot is online or paper"),
        strays == 0,
        ngettext(
            "%(num)s ballot names neither channel", "%(num)s ballots name neither channel", strays
        )
        if strays
        else "",
    )
    for channel in ("online", "paper"):
        voters, ballots = taken.get(channel), cast.get(channel)
        ok = isinstance(voters, int) and isinstance(ballots, int) and ballots <= voters
        words = _channel_words(channel, ballots, voters, found[channel])
        report.add(f"{channel} ballots <= {channel} voters", words["voters"], ok, words["counts"])
        report.add(
            f"{channel} ballots = the closing count",
            words["closing"],
            found[channel] == ballots,
            words["found"],
        )
    imported = sum(1 for e in events if e.get("type") == "imported_ballot")
    if imported:
        report.add(
            "ballots = imported ballots in the chain",
            _("ballots = imported ballots in the chain"),
            imported == len(opened),
            ngettext(
                "%(num)s ballot, %(imported)s imported in the chain",
                "%(num)s ballots, %(imported)s imported in the chain",
                len(opened),
                imported=number(imported),
            ),
        )
        return
    casts = sum(1 for e in events if e.get("type") == "ballot_cast")
    report.add(
        "online ballots = casts in the chain",
        _("online ballots = casts in the chain"),
        casts == found["online"],
        ngettext(
            "%(num)s online ballot, %(casts)s casts in the chain",
            "%(num)s online ballots, %(casts)s casts in the chain",
            found["online"],
            casts=number(casts),
        ),
    )
    _check_paper_batches(report, manifest, events, found["paper"])
    _check_opening(report, opened, events)


def _count(value) -> str:
    """A count read from the package, formatted; anything else shown as it is."""
    return number(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _channel_words(channel: str, ballots, voters, found: int) -> dict[str, str]:
    """The per-channel checks' labels and details, whole sentences for each channel (online and
    paper agree differently with their nouns in other languages)."""
    counted = isinstance(ballots, int) and not isinstance(ballots, bool)
    if channel == "online":
        return {
            "voters": _("online ballots <= online voters"),
            "closing": _("online ballots = the closing count"),
            "counts": ngettext(
                "%(num)s online ballot for %(voters)s online voters",
                "%(num)s online ballots for %(voters)s online voters",
                ballots,
                voters=_count(voters),
            )
            if counted
            else _(
                "the close counted %(ballots)s online ballots for %(voters)s online voters",
                ballots=_count(ballots),
                voters=_count(voters),
            ),
            "found": ngettext(
                "%(num)s online ballot in %(file)s, the close committed to %(committed)s",
                "%(num)s online ballots in %(file)s, the close committed to %(committed)s",
                found,
                file="ballots.pb",
                committed=_count(ballots),
            ),
        }
    return {
        "voters": _("paper ballots <= paper voters"),
        "closing": _("paper ballots = the closing count"),
        "counts": ngettext(
            "%(num)s paper ballot for %(voters)s paper voters",
            "%(num)s paper ballots for %(voters)s paper voters",
            ballots,
            voters=_count(voters),
        )
        if counted
        else _(
            "the close counted %(ballots)s paper ballots for %(voters)s paper voters",
            ballots=_count(ballots),
            voters=_count(voters),
        ),
        "found": ngettext(
            "%(num)s paper ballot in %(file)s, the close committed to %(committed)s",
            "%(num)s paper ballots in %(file)s, the close committed to %(committed)s",
            found,
            file="ballots.pb",
            committed=_count(ballots),
        ),
    }


def _check_paper_batches(report, manifest, events, paper: int):
    batches = manifest.get("paper_batches", [])
    in_chain = [e.get("payload_sha256") for e in events if e.get("type") == "paper_batch"]
    try:
        listed = [
            _sha256(_canonical({"batch": b["batch"], "ballots": b["ballots"]})) for b in batches
        ]
        total = sum(int(b["ballots"]) for b in batches)
    except (TypeError, KeyError, ValueError):
        report.add(
            "paper batches",
            _("paper batches"),
            False,
            _("the manifest's paper batches cannot be read"),
        )
        return
    ok = listed == in_chain and total == paper
    report.add(
        "paper batches match the chain",
        _("paper batches match the chain"),
        ok,
        ngettext(
            "%(num)s batch of %(ballots)s ballots listed, %(counted)s counted in the chain, "
            "%(paper)s paper ballots",
            "%(num)s batches of %(ballots)s ballots listed, %(counted)s counted in the chain, "
            "%(paper)s paper ballots",
            len(batches),
            ballots=number(total),
            counted=number(len(in_chain)),
            paper=number(paper),
        ),
    )


def _check_opening(report, opened, events):
    opening = [e for e in events if e.get("type") == "envelopes_opened"]
    online = sum(1 for _id, c, _choices in opened if c == "online")
    paper = sum(1 for _id, c, _choices in opened if c == "paper")
    listed = sorted([ballot_id, channel, choices] for ballot_id, channel, choices in opened)
    payload = {"online": online, "paper": paper, "ballots_sha256": _sha256(_canonical(listed))}
    ok = len(opening) == 1 and opening[0].get("payload_sha256") == _sha256(_canonical(payload))
    report.add(
        "ballots.pb holds exactly the opened envelopes",
        _("%(file)s holds exactly the opened envelopes", file="ballots.pb"),
        ok,
        "" if ok else _("the ballots differ from what the opening of the envelopes committed to"),
    )


def _check_seed(report, manifest, results, events):
    tie = manifest.get("tie_break", {})
    seed, commitment = tie.get("seed") or "", tie.get("seed_sha256") or ""
    if not seed and tie.get("seed_sha256") is None:
        # An imported election: its source names no lottery, so there is nothing to check.
        report.add(
            "seed matches its commitment",
            _("seed matches its commitment"),
            True,
            _("no tie-break seed (imported election)"),
        )
    else:
        report.add(
            "seed matches its commitment",
            _("seed matches its commitment"),
            _sha256(seed) == commitment,
            "" if _sha256(seed) == commitment else _("SHA-256 of the seed is not the commitment"),
        )
    report.add(
        "results use the published seed",
        _("results use the published seed"),
        (results.get("seed") or "") == seed,
    )
    opening = next((e for e in events if e.get("type") == "voting_opened"), None)
    if opening is not None:
        pot = manifest.get("pot", {}).get("id")
        ballot_key = (manifest.get("ballot_key") or {}).get("public")
        expected = _sha256(
            _canonical(
                {"pot": pot, "seed_sha256": tie.get("seed_sha256"), "ballot_key": ballot_key}
            )
        )
        report.add(
            "seed and ballot key were in the chain at opening",
            _("seed and ballot key were in the chain at opening"),
            opening["payload_sha256"] == expected,
        )


def _check_publication(report, raw_results: bytes, events):
    published = [e for e in events if e.get("type") == "published"]
    ok = bool(published) and published[-1]["payload_sha256"] == _sha256(raw_results)
    report.add(
        "results.json is the last publication in the chain",
        _("%(file)s is the last publication in the chain", file="results.json"),
        ok,
        "" if ok else _("%(file)s differs from what was published", file="results.json"),
    )


def _check_recount(report, data, manifest, results, with_pabutools):
    rule = manifest.get("rule", "greedy")
    seed = manifest.get("tie_break", {}).get("seed") or ""
    # ballots.pb gives major units; the count is in minor units.
    election, unit, step = _recount_units(_in_minor_units(data.election, manifest), manifest)
    try:
        outcome = run(election, rule, seed, add1_step=step)
    except (ValueError, KeyError) as exc:
        report.add("re-count", _("re-count"), False, _("cannot re-count: %(problem)s", problem=exc))
        return
    published = results.get("outcome", {})
    same = list(outcome.selected) == published.get("selected") and Fraction(
        outcome.total_cost
    ) * unit == Fraction(str(published.get("total_cost")))
    report.add(
        "re-count matches results.json",
        _("re-count matches %(file)s", file="results.json"),
        same,
        ""
        if same
        else _(
            "re-count funds %(ours)s, %(file)s says %(theirs)s",
            ours=list(outcome.selected),
            file="results.json",
            theirs=published.get("selected"),
        ),
    )
    _check_comparison(report, outcome, published)
    _check_what_it_would_take(report, election, outcome, rule, seed, step, unit, published)
    if with_pabutools:
        _recount_with_pabutools(report, data, election, rule, seed, published, step)


def _check_comparison(report, outcome, published):
    """For comparison rules: the re-counted vote between the two outcomes is the published one."""
    if outcome.comparison is None and published.get("comparison") is None:
        return
    ours = outcome.comparison.to_dict() if outcome.comparison else None
    theirs = published.get("comparison")
    keys = ("equal_shares_selected", "greedy_selected", "prefer_equal_shares", "prefer_greedy")
    same = ours is not None and theirs is not None and all(ours[k] == theirs.get(k) for k in keys)
    detail = (
        _(
            "%(equal_shares)s prefer Equal Shares, %(greedy)s greedy",
            equal_shares=_count(ours["prefer_equal_shares"]),
            greedy=_count(ours["prefer_greedy"]),
        )
        if ours
        else _("the re-count has no comparison")
    )
    report.add(
        "comparison step matches results.json",
        _("comparison step matches %(file)s", file="results.json"),
        same,
        detail,
    )


def _check_what_it_would_take(report, election, outcome, rule, seed, step, unit, published):
    """The published "what it would have taken" figures, worked out again from the ballots."""
    if published.get("what_it_would_take") is None:
        return
    from pb.tally.whatif import what_it_would_take

    ours = [f.to_dict() for f in what_it_would_take(election, outcome, rule, seed, step)]
    for figure in ours:
        if figure["max_cost"] is not None:
            figure["max_cost"] = money_json(Fraction(str(figure["max_cost"])) * unit)
    keys = ("project_id", "max_cost", "max_cost_exact", "extra_supporters", "more_than", "basis")
    theirs = [{k: f.get(k) for k in keys} for f in published["what_it_would_take"]]
    differ = [a["project_id"] for a, b in zip(ours, theirs, strict=False) if a != b]
    same = len(ours) == len(theirs) and not differ
    if same:
        detail = ngettext("%(num)s project", "%(num)s projects", len(ours))
    elif differ:
        detail = _("differs for %(projects)s", projects=", ".join(differ[:5]))
    else:
        detail = _("the list differs")
    report.add(
        "what it would take matches results.json",
        _("what it would take matches %(file)s", file="results.json"),
        same,
        detail,
    )


def _in_minor_units(election, manifest):
    """The election read from ballots.pb (money in major units) with money in minor units.

    Deliberately not pb.results.services.election_for: the verifier re-derives the counting
    unit from the package alone, so that a fault in the app's code cannot vouch for itself;
    tests/audit/test_counting_unit.py shows the two agree."""
    scale = minor_per_major(manifest.get("pot", {}).get("currency") or DEFAULT_CURRENCY)
    return Election(
        {pid: int(Fraction(cost) * scale) for pid, cost in election.projects.items()},
        int(Fraction(election.budget) * scale),
        election.vote_type,
        election.profile,
    )


def _recount_units(election, manifest):
    """The election to re-count, the unit its money is in (pence per unit), and Add1's step.

    Packages naming the pot's Add1 step are counted in pence with that step. Older ones were
    counted in the largest unit up to 100 (a whole pound) that all money is made of, one unit
    a step, so they are re-counted that way.
    """
    if manifest.get("add1_step") is not None:
        return election, 1, int(manifest["add1_step"])
    unit = math.gcd(100, int(election.budget), *(int(c) for c in election.projects.values()))
    scaled = Election(
        {pid: cost // unit for pid, cost in election.projects.items()},
        election.budget // unit,
        election.vote_type,
        election.profile,
    )
    return scaled, unit, None


def _recount_with_pabutools(report, data, election, rule, seed, published, step=None):
    try:
        from pb.tally.crosscheck import pabutools_outcome
    except ImportError:
        report.add(
            "re-count with pabutools",
            _("re-count with %(tool)s", tool="pabutools"),
            False,
            _("%(tool)s is not installed", tool="pabutools"),
        )
        return
    meta = {"max_length": data.meta["max_length"]} if "max_length" in data.meta else {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ballots.pb"
        pabulib.write(pabulib.from_election(election, meta), path)
        selected = pabutools_outcome(path, rule, seed, step or 1)
    report.add(
        "re-count with pabutools",
        _("re-count with %(tool)s", tool="pabutools"),
        list(selected) == published.get("selected"),
        _("%(tool)s funds %(selected)s", tool="pabutools", selected=list(selected)),
    )


def _check_receipt(report, receipt, data, events):
    if not looks_like_receipt(receipt):
        report.add(
            "receipt",
            _("receipt"),
            False,
            _(
                "that code is malformed: a receipt is 8 groups of 4 letters and digits "
                "(A to Z, 2 to 7) joined by dashes; check it for a typo"
            ),
        )
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
    report.add("receipt's cast is in the chain", _("receipt's cast is in the chain"), in_chain)
    report.add(
        "receipt's ballot is in ballots.pb",
        _("receipt's ballot is in %(file)s", file="ballots.pb"),
        line is not None,
        _("ballot %(ballot)s, vote row %(row)s", ballot=ballot_id, row=line)
        if line
        else _("ballot %(ballot)s not found", ballot=ballot_id),
    )
