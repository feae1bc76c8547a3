"""Receipt codes: shown to the voter once, stored only as a SHA-256 hash.

The code is derived from a random nonce that the confirmation page puts in the voter's form
(HMAC with the app secret). The server keeps neither, yet a repeated submit of the same form
(a double click, the back button) yields the same code, so it can answer with the first result.

The nonce is issued by the server and signed with the voter's and the pot's ids, so it is good
for one ballot only: a nonce made up by the client, or copied from another voter's form, is
refused before anything is written (it would otherwise give that voter's receipt and ballot
id, and the ballot's primary key would collide).
"""

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

RECEIPT_BYTES = 20  # 160 bits
GROUP = 4
# Base32 has no 0, 1 or 8; read them as the letters people mistake them for.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


_NONCE_SALT = "pb.cast-nonce"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def _nonce_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_NONCE_SALT)


def issue_nonce(user_id: int, pot_id: int) -> str:
    """A fresh nonce for one voter's ballot in one pot, signed so no one else can use it."""
    return _nonce_serializer().dumps([user_id, pot_id, new_nonce()])


def nonce_is_valid(nonce: str, user_id: int, pot_id: int) -> bool:
    """True when this server issued `nonce` to this voter for this pot."""
    if not isinstance(nonce, str) or len(nonce) > 200:
        return False
    try:
        issued = _nonce_serializer().loads(nonce)
    except BadData:
        return False
    return isinstance(issued, list) and len(issued) == 3 and issued[:2] == [user_id, pot_id]


def receipt_for(nonce: str) -> str:
    """The receipt code for a cast form's nonce, in groups of four: "ABCD-EFGH-..."."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"pb.receipt:" + nonce.encode(), hashlib.sha256).digest()
    text = base64.b32encode(digest[:RECEIPT_BYTES]).decode()
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def normalise(code: str) -> str:
    """The code as stored: capitals, no spaces or dashes, look-alike digits read as letters."""
    return re.sub(r"[\s\-]", "", code or "").upper().translate(_LOOKALIKES)


def receipt_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def ballot_id_for(code: str) -> str:
    """The id of the ballot cast with this receipt, as published in ballots.pb.

    Derived one way from the code, so the voter can find their ballot in the audit package
    while the package itself does not link ballots to the receipts' hashes in the chain.
    """
    return hashlib.sha256(b"pb.ballot:" + normalise(code).encode()).hexdigest()[:32]


def looks_like_receipt(code: str) -> bool:
    return re.fullmatch(r"[A-Z2-7]{32}", normalise(code)) is not None
