"""Is the key that signed a package the council's? The verifier's trust anchor.

A valid signature proves only that whoever holds the key signed the package; a forger can
re-sign a doctored package with a fresh key and name it in the manifest. So `pb verify` says a
package is confirmed only when the key is tied to the council by something outside the zip:

- `--public-key`: the key (or its fingerprint) as the council prints it on the pot's pages and
  notices, read from a copy the auditor trusts (paper, the council's minutes);
- `--pinned-from`: an earlier package of the same council that the auditor checked before;
  its key must sign this one too, or endorse the new key in the council's key list;
- `--key-list`: the council's key list (`keys.json`), which each key valid at the time signs,
  so a rotation is followed from a trusted old key to the new one.

Without any of these the package can still be consistent (every hash, the chain and the
re-count hold), and the verifier says exactly that, with a distinct exit code.

Independent of the server code on purpose (no Flask, no database): the fingerprint rule is
written again here, and tests/audit/test_keys.py shows both give the same fingerprint.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pb.audit import safezip, shapes
from pb.audit.speech import _

KEY_LIST_FORMAT = "pb-council-keys/1"


@dataclass
class Trust:
    """The verdict on the signing key: confirmed or not, why, and any outright failures."""

    confirmed: bool
    detail: str
    failures: list[str] = field(default_factory=list)


class KeyListError(Exception):
    pass


def fingerprint(public_hex: str) -> str:
    """8 groups of 4 hex digits: the first 128 bits of the SHA-256 of the raw public key."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def matches(public_hex: str, given: str) -> bool:
    """True when `given` is this key in full (64 hex digits) or its fingerprint (32)."""
    squashed = _squash(given)
    if len(squashed) == 64:
        return squashed == public_hex.lower()
    if len(squashed) == 32:
        return squashed == _squash(fingerprint(public_hex))
    return False


def _when(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _verifies(public_hex: str, signature_hex: str, message: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), message)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _canonical(document: dict) -> bytes:
    unsigned = {k: v for k, v in document.items() if k != "signatures"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class KeyList:
    council: dict
    keys: list[dict]
    signers: set[str]  # hex of the listed keys whose signature on the list holds


def read_key_list(raw: bytes) -> KeyList:
    """A council key list, its every signature checked; KeyListError says what is wrong."""
    if len(raw) > safezip.MIB:
        raise KeyListError(_("the key list is larger than 1 MiB"))
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise KeyListError(_("the key list is not JSON: %(problem)s", problem=exc)) from None
    if not isinstance(document, dict) or document.get("format") != KEY_LIST_FORMAT:
        raise KeyListError(_("the key list is not a %(format)s document", format=KEY_LIST_FORMAT))
    council, keys, signatures = (document.get(k) for k in ("council", "keys", "signatures"))
    if not isinstance(council, dict) or not isinstance(keys, list) or not keys:
        raise KeyListError(_("the key list names no council or no keys"))
    if not isinstance(signatures, list) or not signatures:
        raise KeyListError(_("the key list is not signed"))
    listed = {}
    for entry in keys:
        if not isinstance(entry, dict) or not isinstance(entry.get("hex"), str):
            raise KeyListError(_("an entry of the key list has no key"))
        if len(_squash(entry["hex"])) != 64 or _squash(entry["hex"]) != entry["hex"].lower():
            raise KeyListError(_("an entry of the key list is not a 64-digit key"))
        listed[_squash(fingerprint(entry["hex"]))] = entry["hex"].lower()
    message, signers = _canonical(document), set()
    for signature in signatures:
        if not isinstance(signature, dict):
            raise KeyListError(_("a signature of the key list is malformed"))
        signer = listed.get(_squash(str(signature.get("fingerprint", ""))))
        if signer is None:
            raise KeyListError(_("the key list is signed by a key it does not list"))
        if not _verifies(signer, str(signature.get("signature", "")), message):
            raise KeyListError(
                _(
                    "the key list's signature by %(fingerprint)s does not hold",
                    fingerprint=fingerprint(signer),
                )
            )
        signers.add(signer)
    return KeyList(council, keys, signers)


def _listed(key_list: KeyList, public_hex: str) -> dict | None:
    return next((k for k in key_list.keys if k["hex"].lower() == public_hex.lower()), None)


def _earlier_key(path) -> tuple[str, dict]:
    """The signing key and council named by an earlier package (read as safely as any)."""
    files = safezip.read(path, {"manifest.json", *_PACKAGE_FILES})
    manifest = json.loads(files.get("manifest.json", b"null"))
    problems = shapes.manifest(manifest)
    if problems:
        raise ValueError("; ".join(problems[:3]))
    return manifest["public_key"]["hex"].lower(), manifest.get("council") or {}


_PACKAGE_FILES = {"ballots.pb", "results.json", "events.jsonl", "SHA256SUMS", "SHA256SUMS.sig"}


def _same_council(a: dict, b: dict) -> bool:
    if isinstance(a.get("id"), int) and isinstance(b.get("id"), int) and a["id"] != b["id"]:
        return False
    return a.get("name") == b.get("name")


def assess(
    manifest: dict,
    published_at: str | None,
    *,
    public_key: str | None = None,
    pinned_from=(),
    key_list: bytes | None = None,
) -> Trust:
    """Whether the package's signing key is confirmed as the council's; see the docstring."""
    package_hex = manifest["public_key"]["hex"].lower()
    given = manifest.get("council")
    council: dict = given if isinstance(given, dict) else {}
    print_ = fingerprint(package_hex)
    failures: list[str] = []

    if public_key is not None:
        if matches(package_hex, public_key):
            return Trust(True, _("%(fingerprint)s is the key you gave", fingerprint=print_))
        failures.append(
            _(
                "the package is signed by key %(fingerprint)s, not the council's key that you gave",
                fingerprint=print_,
            )
        )
        return Trust(False, _("the key you gave does not sign this package"), failures)

    anchors: dict[str, str] = {}
    for path in pinned_from:
        try:
            earlier_hex, earlier_council = _earlier_key(path)
        except (safezip.UnsafeZip, ValueError, KeyError, TypeError) as exc:
            failures.append(
                _("cannot read the earlier package %(path)s: %(problem)s", path=path, problem=exc)
            )
            continue
        if not _same_council(earlier_council, council):
            failures.append(_("the earlier package %(path)s is of another council", path=path))
            continue
        anchors[earlier_hex] = str(path)

    listing = None
    if key_list is not None:
        try:
            listing = read_key_list(key_list)
        except KeyListError as exc:
            failures.append(str(exc))
        else:
            if not _same_council(listing.council, council):
                failures.append(_("the key list is of another council"))
                listing = None
    if failures:
        return Trust(False, _("a trust anchor you gave does not hold"), failures)

    if package_hex in anchors:
        return Trust(
            True,
            _(
                "%(fingerprint)s also signed the earlier package %(path)s",
                fingerprint=print_,
                path=anchors[package_hex],
            ),
        )

    if listing is not None:
        entry = _listed(listing, package_hex)
        if entry is None:
            failures.append(
                _(
                    "the council's key list does not list the signing key %(fingerprint)s",
                    fingerprint=print_,
                )
            )
            return Trust(False, _("the key is not the council's"), failures)
        # Only the end of a key's validity matters: after it retired, a leaked old key must
        # not vouch for newer publications. Signing an older publication again with a newer
        # key (a package rebuilt after a rotation) is fine.
        end, at = _when(entry.get("valid_until")), _when(published_at)
        if end is not None and at is not None and at > end:
            failures.append(
                _(
                    "the key list says %(fingerprint)s retired on %(retired)s, before the "
                    "package was published (%(published)s)",
                    fingerprint=print_,
                    retired=entry.get("valid_until"),
                    published=published_at,
                )
            )
            return Trust(False, _("the key had retired when the package was published"), failures)
        if anchors:
            endorsed = anchors.keys() & listing.signers
            if endorsed:
                earlier = anchors[next(iter(endorsed))]
                return Trust(
                    True,
                    _(
                        "%(fingerprint)s is in the council's key list, signed by the key of "
                        "the earlier package %(path)s (a rotation with overlap)",
                        fingerprint=print_,
                        path=earlier,
                    ),
                )
            return Trust(
                False,
                _(
                    "%(fingerprint)s is in a key list that the earlier package's key did not sign",
                    fingerprint=print_,
                ),
            )
        signers = ", ".join(sorted(fingerprint(s) for s in listing.signers))
        return Trust(
            True,
            _(
                "%(fingerprint)s is in the council's key list you gave (signed by %(signers)s)",
                fingerprint=print_,
                signers=signers,
            ),
        )

    if anchors:
        return Trust(
            False,
            _(
                "signed by %(fingerprint)s, not by the key of the earlier package; give the "
                "council's key list (%(option)s) to follow a rotation",
                fingerprint=print_,
                option="--key-list",
            ),
        )
    return Trust(
        False,
        _(
            "nothing confirms that %(fingerprint)s is the council's key: compare it with the "
            "fingerprint on the council's pages and notices and pass it with %(public_key)s, "
            "or use %(pinned_from)s or %(key_list)s",
            fingerprint=print_,
            public_key="--public-key",
            pinned_from="--pinned-from EARLIER.zip",
            key_list="--key-list keys.json",
        ),
    )
