"""Sealed ballots: the inner envelope of a double-envelope vote.

A pot's ballot key is made before voting opens. Its secret is 16 random bytes, handed to the
returning officer as a code, or split k of n between panel trustees with Shamir's scheme
(pycryptodome); the X25519 private key is derived from it with HKDF, and only the public key
is stored. Each online ballot is sealed to the public key with libsodium's sealed box (PyNaCl:
an ephemeral X25519 key, XSalsa20-Poly1305), so a copy of the database holds ciphertext that
only the secret opens, and tampering with a sealed row makes it fail to open.

Why the secret is 16 bytes: Shamir's scheme in pycryptodome shares 16-byte secrets, and a
code of 26 letters can be printed and typed; 128 bits matches X25519's own security level.

The plaintext is padded to one length per pot (`sealed_size`), so a ciphertext's length
does not tell how many projects a ballot chose.
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask_babel import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

SECRET_BYTES = 16
_GROUP = 4
_PAD_BLOCK = 64


class BallotKeyError(Exception):
    """The key or shares given do not open this pot's ballots; the message says why."""


class SealError(Exception):
    """A sealed ballot that does not open or does not hold a ballot."""


@dataclass(frozen=True)
class NewKey:
    public_hex: str
    # One code for a single key holder, else one share per trustee ("2-ABCD-...").
    codes: list[str]
    threshold: int


def _private_key(secret: bytes) -> PrivateKey:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"pb ballot key v1")
    return PrivateKey(derived.derive(secret))


def _text(data: bytes) -> str:
    letters = base64.b32encode(data).decode().rstrip("=")
    return "-".join(letters[i : i + _GROUP] for i in range(0, len(letters), _GROUP))


def _bytes(text: str) -> bytes:
    letters = re.sub(r"[\s\-]", "", text).upper().translate(str.maketrans("018", "OIB"))
    try:
        data = base64.b32decode(letters + "=" * (-len(letters) % 8))
    except ValueError:
        raise BallotKeyError(
            _("That is not a ballot key code: check it letter by letter.")
        ) from None
    if len(data) != SECRET_BYTES:
        raise BallotKeyError(_("That is not a ballot key code: it has the wrong length."))
    return data


def new_key(holders: int = 1, threshold: int = 1) -> NewKey:
    """A fresh ballot key: its public half, and the secret as one code or k-of-n shares."""
    if not 1 <= threshold <= holders <= 20:
        raise BallotKeyError(
            _("Choose between 1 and 20 key holders, and how many of them must meet.")
        )
    secret = secrets.token_bytes(SECRET_BYTES)
    public = _private_key(secret).public_key.encode().hex()
    if holders == 1:
        return NewKey(public, [_text(secret)], 1)
    if threshold == 1:
        # Shamir with k = 1 is the secret itself; give each holder the plain code.
        return NewKey(public, [_text(secret)] * holders, 1)
    shares = Shamir.split(threshold, holders, secret)
    return NewKey(public, [f"{index}-{_text(share)}" for index, share in shares], threshold)


def secret_from(codes: list[str], threshold: int) -> bytes:
    """The key's secret from one code, or from at least `threshold` trustees' shares."""
    codes = [c.strip() for c in codes if c and c.strip()]
    if threshold <= 1:
        if not codes:
            raise BallotKeyError(_("Enter the ballot key."))
        return _bytes(codes[0])
    shares = {}
    for code in codes:
        index, sep, rest = code.partition("-")
        if not sep or not re.fullmatch(r"[0-9]{1,3}", index.strip()) or not 1 <= int(index) <= 255:
            raise BallotKeyError(
                _(
                    "A share starts with its number and a dash, like 2-ABCD-...: %(code)s",
                    code=repr(code),
                )
            )
        shares[int(index)] = _bytes(rest)
    if len(shares) < threshold:
        raise BallotKeyError(
            _(
                "%(threshold)s different trustees' shares are needed; %(n)s given.",
                threshold=threshold,
                n=len(shares),
            )
        )
    return Shamir.combine(sorted(shares.items())[:threshold])


def private_key_for(pot, codes: list[str]) -> PrivateKey:
    """The pot's private key from the code(s), checked against the pot's public key."""
    if not pot.sealing_key:
        raise BallotKeyError(_("This pot has no ballot key yet."))
    key = _private_key(secret_from(codes, pot.key_threshold or 1))
    if key.public_key.encode().hex() != pot.sealing_key:
        raise BallotKeyError(
            _("This is not the key of this pot's ballots (or the shares do not belong together).")
        )
    return key


def sealed_size(method: str, proposal_ids: list[int], points_cap: int | None) -> int:
    """The padded plaintext length for a pot: room for the longest ballot its rules allow."""
    widest = (
        [[pid, points_cap or 0] for pid in proposal_ids] if method == "points" else proposal_ids
    )
    longest = len(_plain("f" * 32, widest))
    return (longest // _PAD_BLOCK + 1) * _PAD_BLOCK


def _plain(ballot_id: str, choices) -> bytes:
    return json.dumps(
        {"ballot_id": ballot_id, "choices": choices}, sort_keys=True, separators=(",", ":")
    ).encode()


def seal(public_hex: str, ballot_id: str, choices, size: int) -> bytes:
    """The ballot and its id, padded to `size` bytes with spaces and sealed to the key."""
    plain = _plain(ballot_id, choices)
    if len(plain) > size:
        raise SealError(_("the ballot is longer than the pot's sealed size"))
    return SealedBox(PublicKey(bytes.fromhex(public_hex))).encrypt(plain.ljust(size, b" "))


def tag(secret: str, pot_id: int, receipt_sha256: str, sealed: bytes) -> str:
    """HMAC-SHA256 binding a sealed ballot to its pot and receipt, keyed by the app's secret."""
    key = hmac.new(secret.encode(), b"pb.sealed-ballot", hashlib.sha256).digest()
    message = f"{pot_id}:{receipt_sha256}:".encode() + bytes(sealed)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def unseal(key: PrivateKey, sealed: bytes) -> tuple[str, object]:
    """(ballot id, choices) from a sealed ballot; SealError when it does not open."""
    try:
        data = json.loads(SealedBox(key).decrypt(bytes(sealed)))
        return str(data["ballot_id"]), data["choices"]
    except (CryptoError, ValueError, KeyError, TypeError):
        raise SealError(_("the sealed ballot does not open with this key")) from None
