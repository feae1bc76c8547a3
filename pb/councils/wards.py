"""Which ward a postcode lies in: one lookup for registration, residence and paper voting."""

from sqlalchemy import select

from pb.councils.models import Postcode
from pb.extensions import db


def ward_of_postcode(postcode: str | None) -> int | None:
    """The ward of a normalised postcode in the council's list, or None (unknown or blank)."""
    if not postcode:
        return None
    return db.session.scalar(select(Postcode.ward_id).where(Postcode.postcode == postcode))
