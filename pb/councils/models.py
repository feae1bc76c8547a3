"""The council, its wards and the postcodes that place a resident in a ward."""

import re

from sqlalchemy import BigInteger, Float, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import Model, db

# Outward code, space, inward code, as Royal Mail writes it: "SW1A 1AA".
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(text: str | None) -> str | None:
    """Return the postcode in its standard form, or None when it is not a UK postcode."""
    squashed = re.sub(r"\s+", "", (text or "")).upper()
    match = _POSTCODE.match(squashed)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


class Council(Model):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Minor units of `currency`; None when not known (an imported election does not say).
    # Used for the share of the budget that "goes local".
    annual_budget: Mapped[int | None] = mapped_column(BigInteger)
    # ISO 4217; every amount of the council's pots is in its minor units.
    currency: Mapped[str] = mapped_column(String(3), default="GBP", server_default="GBP")
    # The country, as pabulib names it ("Poland"); None for a council set up without one.
    country: Mapped[str | None] = mapped_column(String(100))
    # The council's identity on every page, mail and printed sheet (pb.councils.identity).
    # The logo is re-encoded by Pillow and kept small (LOGO_MAX_BYTES), so it lives in the
    # database and every app server shares it; never SVG (a script could ride in one).
    colour: Mapped[str | None] = mapped_column(String(7))
    website_url: Mapped[str | None] = mapped_column(String(300))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    # The languages the council's site offers, as locale codes separated by spaces ("en_GB cy");
    # None offers every language pb has a catalog for (pb.i18n). British English always stays.
    languages: Mapped[str | None] = mapped_column(String(200))
    # The language a reader gets when their browser asks for none the site offers; also the
    # language the pots' and proposals' own text is written in. None: British English.
    default_locale: Mapped[str | None] = mapped_column(String(20))

    @property
    def language_list(self) -> list[str] | None:
        """The chosen languages as a list, or None when the council has not chosen."""
        return self.languages.split() if self.languages else None

    @property
    def source_locale(self) -> str:
        """The language the council's own text (pot names, proposals) is written in."""
        return self.default_locale or "en_GB"

    wards: Mapped[list["Ward"]] = relationship(back_populates="council", order_by="Ward.name")


def site_council() -> "Council | None":
    """The council this site serves (the first one set up); others are imported elections."""
    from sqlalchemy import select

    return db.session.scalar(select(Council).order_by(Council.id).limit(1))


class Ward(Model):
    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The ONS ward code, e.g. E05011234.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    # Residents, for turnout; None when not known (an imported election does not say).
    population: Mapped[int | None]
    # The ward's boundary as a GeoJSON geometry (Polygon or MultiPolygon, WGS84 longitude and
    # latitude), from `pb import-wards`; None until imported. Plain text, so no PostGIS.
    boundary: Mapped[str | None] = mapped_column(Text)

    council: Mapped[Council] = relationship(back_populates="wards")
    postcodes: Mapped[list["Postcode"]] = relationship(back_populates="ward")

    def __str__(self) -> str:
        return self.name


class Postcode(Model):
    __tablename__ = "postcodes"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    # Where the postcode is (its centre, as the ONSPD gives it), when the list says.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    ward: Mapped[Ward] = relationship(back_populates="postcodes")

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None
