"""A point typed as latitude and longitude, or a postcode's location (forms' place fields)."""

from flask_babel import gettext as _
from sqlalchemy import select

from pb.councils.models import Postcode, Ward, normalise_postcode
from pb.extensions import db
from pb.places.geometry import Place, valid_coordinates

MAX_COORDINATE_CHARS = 30


class PlaceProblem(ValueError):
    """A place that cannot be used; `field` is the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _number(text: str, field: str, what: str) -> float:
    text = (text or "").strip()
    if len(text) > MAX_COORDINATE_CHARS or not text.isascii():
        raise PlaceProblem(
            field, _("Enter the %(what)s as a decimal number, like 52.0412.", what=what)
        )
    try:
        value = float(text)
    except ValueError:
        raise PlaceProblem(
            field, _("Enter the %(what)s as a decimal number, like 52.0412.", what=what)
        ) from None
    return value


def parse_point(latitude: str, longitude: str) -> Place | None:
    """A point from typed latitude and longitude (None when both are empty)."""
    if not (latitude or "").strip() and not (longitude or "").strip():
        return None
    if not (latitude or "").strip():
        raise PlaceProblem("latitude", _("Enter the latitude as well as the longitude."))
    if not (longitude or "").strip():
        raise PlaceProblem("longitude", _("Enter the longitude as well as the latitude."))
    lat = _number(latitude, "latitude", _("latitude"))
    lon = _number(longitude, "longitude", _("longitude"))
    if not valid_coordinates(lat, lon):
        raise PlaceProblem(
            "latitude",
            _("The latitude must be from -90 to 90 and the longitude from -180 to 180."),
        )
    return Place(latitude=lat, longitude=lon)


def postcode_place(council, text: str) -> Place:
    """The location of one of the council's postcodes."""
    postcode = normalise_postcode(text)
    if postcode is None:
        raise PlaceProblem("place_postcode", _("Enter a real UK postcode, like SW1A 1AA."))
    row = db.session.scalar(
        select(Postcode)
        .join(Ward, Ward.id == Postcode.ward_id)
        .where(Postcode.postcode == postcode, Ward.council_id == council.id)
    )
    if row is None or not row.located:
        raise PlaceProblem(
            "place_postcode",
            _(
                "We do not know where %(postcode)s is. Enter the latitude and longitude, or "
                "pick the place on the map.",
                postcode=postcode,
            ),
        )
    return Place(latitude=row.latitude, longitude=row.longitude)
