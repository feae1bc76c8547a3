"""Knowing a person again, whichever way they come to vote: the keys a participation holds.

An account is known by its id; a voter-roll entry by its elector reference (the same elector
on two wards' rolls is one person); a paper voter without an account by name, postcode and
date of birth, kept as one SHA-256 so that the unique keys can compare them.
"""

import hashlib
import re
import unicodedata
from datetime import date


def normal_name(name: str) -> str:
    """A name as compared: case, accents, punctuation and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", letters.casefold()).split())


def person_key(name: str, postcode: str | None, born: date | None) -> str | None:
    """The key of a person by name, postcode and date of birth; None unless all are known."""
    name = normal_name(name)
    if not name or not postcode or born is None:
        return None
    text = f"pb.person:{name}|{postcode.replace(' ', '').upper()}|{born.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def elector_ref(reference: str | None) -> str | None:
    return reference.strip().upper() if reference and reference.strip() else None
