"""The council's Ed25519 signing keys: made once per council, rotated with an overlap.

Why a key needs an anchor: anyone can sign a package with a fresh key, so a signature alone
only says "whoever made this zip signed it". A verifier must be able to tell the council's key
from a forger's by something the forger does not control: a fingerprint printed on the pot's
pages and notices (and so on paper, on notice boards, in the council's minutes), a key seen
in an earlier package of the same council, or the council's key list, which every key in its
overlap signs, so that someone who trusts the old key can follow a rotation to the new one.

Keys are never made on the fly: `pb signing-key create` makes a council's first key and
`pb signing-key rotate` its next. The public halves live in the database (`signing_keys`),
which every app server shares; each private half is a PEM file named by its fingerprint in
SIGNING_KEY_DIR, a folder of secrets that every app server mounts (like SECRET_KEY, it is
deployed, not generated per server). A key that rotated out stays in the list with the end of
its overlap, so packages it signed while it was current still verify.
"""

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import Model, db
from pb.timeutil import utcnow

KEY_LIST_FORMAT = "pb-council-keys/1"
DEFAULT_OVERLAP = timedelta(days=90)


class NoSigningKey(Exception):
    """The council has no signing key (or this server lacks its private half)."""


class SigningKey(Model):
    """The public half of one of a council's signing keys, and when it was in use."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    public_hex: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when a newer key takes over: until then both are valid (the overlap).
    retires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_hex)


def fingerprint(public_hex: str) -> str:
    """The key's fingerprint as people read it aloud: 8 groups of 4 hex digits (128 bits)."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def public_key_hex(key: Ed25519PrivateKey) -> str:
    public = key.public_key()
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def _key_dir() -> Path:
    configured = current_app.config.get("SIGNING_KEY_DIR")
    return Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "keys"


def _pem_path(public_hex: str) -> Path:
    return _key_dir() / f"{fingerprint(public_hex).replace(' ', '')}.pem"


def keys(council) -> list[SigningKey]:
    """All the council's keys, oldest first."""
    query = select(SigningKey).where(SigningKey.council_id == council.id)
    return list(db.session.scalars(query.order_by(SigningKey.created_at, SigningKey.id)))


def current(council) -> SigningKey | None:
    """The key that signs the council's packages now: its newest."""
    found = keys(council)
    return found[-1] if found else None


def fingerprint_of(council) -> str | None:
    """The current key's fingerprint, for the council's public pages (None: no key yet)."""
    key = current(council)
    return key.fingerprint if key else None


def _store(council, private: Ed25519PrivateKey) -> SigningKey:
    public_hex = public_key_hex(private)
    path = _pem_path(public_hex)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.touch(mode=0o600, exist_ok=True)
    path.write_bytes(pem)
    key = SigningKey(council_id=council.id, public_hex=public_hex, created_at=utcnow())
    db.session.add(key)
    db.session.flush()
    return key


def create(council, private: Ed25519PrivateKey | None = None) -> SigningKey:
    """Make the council's first signing key (an existing one may be brought in)."""
    if keys(council):
        raise ValueError(
            _("%(council)s already has a signing key; rotate it instead", council=council.name)
        )
    return _store(council, private or Ed25519PrivateKey.generate())


def create_if_missing(council) -> SigningKey | None:
    """For commands that bring a new council in (`pb demo`, `pb import-pabulib`): its first
    key, made there and then and said so, or None when it has one already."""
    return None if keys(council) else create(council)


def rotate(council, overlap: timedelta = DEFAULT_OVERLAP) -> SigningKey:
    """Make the council's next key; the current one stays valid for `overlap` more."""
    old = current(council)
    if old is None:
        raise ValueError(
            _("%(council)s has no signing key yet; create one first", council=council.name)
        )
    old.retires_at = utcnow() + overlap
    new = _store(council, Ed25519PrivateKey.generate())
    return new


def private_key(key: SigningKey) -> Ed25519PrivateKey:
    path = _pem_path(key.public_hex)
    if not path.exists():
        raise NoSigningKey(
            _(
                "the private half of key %(fingerprint)s is not in %(folder)s on this server",
                fingerprint=key.fingerprint,
                folder=path.parent,
            )
        )
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey) or public_key_hex(private) != key.public_hex:
        raise NoSigningKey(
            _(
                "%(file)s is not the private half of key %(fingerprint)s",
                file=path,
                fingerprint=key.fingerprint,
            )
        )
    return private


def signer(council) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The council's current key and its private half, to sign a package with."""
    key = current(council)
    if key is None:
        raise NoSigningKey(
            _(
                "%(council)s has no signing key yet: an administrator makes it once with "
                "`pb signing-key create --council %(id)s`",
                council=council.name,
                id=council.id,
            )
        )
    return key, private_key(key)


def _stamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def canonical(document: dict) -> bytes:
    """The bytes a key list's signatures sign: the list without its signatures."""
    unsigned = {k: v for k, v in document.items() if k != "signatures"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_list(council) -> dict:
    """The council's signed key list: every key with its dates, signed by each key that is
    still valid (both, during an overlap), so trust in one carries over to the other."""
    now = utcnow()
    found = keys(council)
    document: dict[str, object] = {
        "format": KEY_LIST_FORMAT,
        "council": {"id": council.id, "name": council.name},
        "issued_at": _stamp(now),
        "keys": [
            {
                "algorithm": "Ed25519",
                "hex": key.public_hex,
                "fingerprint": key.fingerprint,
                "valid_from": _stamp(key.created_at),
                "valid_until": _stamp(key.retires_at),
            }
            for key in found
        ],
    }
    message = canonical(document)
    signatures = []
    for key in found:
        retires_at = key.retires_at
        if retires_at is not None and retires_at.tzinfo is None:
            retires_at = retires_at.replace(tzinfo=now.tzinfo)
        if retires_at is not None and retires_at <= now:
            continue
        try:
            private = private_key(key)
        except NoSigningKey:
            continue
        signatures.append(
            {"fingerprint": key.fingerprint, "signature": private.sign(message).hex()}
        )
    document["signatures"] = signatures
    return document
