"""Importing the postcode-to-ward list from a CSV in the ONS postcode directory's layout.

The ONSPD names its columns pcd/pcd2/pcds (the postcode, in three spellings) and osward (the
ward code); a hand-made file may say postcode and ward_code. Optional lat and long (or latitude
and longitude) columns give each postcode's location, for maps and for placing a proposal by
its postcode. Every other column is ignored.
Postcodes already known move to the ward the file gives; the import is all or nothing.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update

from pb.audit.services import record
from pb.councils.models import Postcode, Ward, normalise_postcode
from pb.csvimport import Column, read_rows
from pb.extensions import db
from pb.i18n import number
from pb.places.geometry import valid_coordinates
from pb.transaction import atomic

POSTCODE_COLUMNS = (
    Column("postcode", "postcode", ("pcds", "pcd", "pcd2", "postcode")),
    Column("ward", "ward code", ("osward", "ward_code", "ward")),
    Column("latitude", "latitude", ("lat", "latitude"), required=False),
    Column("longitude", "longitude", ("long", "longitude", "lon", "lng"), required=False),
)
# The ONSPD writes 99.999999 / 0.000000 for a postcode it cannot place.
_ONSPD_UNKNOWN_LATITUDE = 99.999999
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class PostcodeChange:
    line: int
    postcode: str
    ward: Ward
    before: Ward | None  # None: a postcode new to the council
    latitude: float | None = None
    longitude: float | None = None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "new"
        return "unchanged" if self.before.id == self.ward.id else "moved"


@dataclass
class PostcodeCheck:
    """What importing a file would do: each postcode's change, and every bad row."""

    changes: list[PostcodeChange] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def moved(self) -> int:
        return self.count("moved")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def importable(self) -> bool:
        return bool(self.changes) and not self.errors

    @property
    def preview(self) -> list[PostcodeChange]:
        return self.changes[:PREVIEW_ROWS]


class PostcodeImportError(Exception):
    """The file has bad rows (now, at confirm time): nothing was imported."""

    def __init__(self, check: PostcodeCheck):
        super().__init__(f"{len(check.errors)} problems in the file")
        self.check = check


def check_postcodes(text: str) -> PostcodeCheck:
    """Read a postcode list and find every bad row, with its line number.

    Raises CsvFileError when the file as a whole cannot be read.
    """
    rows, errors = read_rows(text, POSTCODE_COLUMNS)
    check = PostcodeCheck(errors=list(errors))
    wards = {ward.code.upper(): ward for ward in db.session.scalars(select(Ward))}
    wards_by_id = {ward.id: ward for ward in wards.values()}
    current = dict(db.session.execute(select(Postcode.postcode, Postcode.ward_id)).all())
    seen: dict[str, tuple[int, Ward]] = {}
    for row in rows:
        problems = []
        raw_postcode, raw_ward = row.values["postcode"], row.values["ward"]
        postcode = normalise_postcode(raw_postcode)
        ward = wards.get(raw_ward.upper())
        if not raw_postcode:
            problems.append(_("The postcode is missing."))
        elif postcode is None:
            problems.append(
                _("%(raw_postcode)s is not a UK postcode.", raw_postcode=repr(raw_postcode))
            )
        if not raw_ward:
            problems.append(_("The ward code is missing."))
        elif ward is None:
            problems.append(
                _(
                    "%(raw_ward)s is not the ONS code of one of the council's wards.",
                    raw_ward=repr(raw_ward),
                )
            )
        latitude, longitude, problem = _location(row.values["latitude"], row.values["longitude"])
        if problem:
            problems.append(problem)
        if problems or postcode is None or ward is None:
            check.errors.extend((row.line, problem) for problem in problems)
            continue
        if postcode in seen:
            first_line, first_ward = seen[postcode]
            if first_ward.id != ward.id:
                check.errors.append(
                    (
                        row.line,
                        _(
                            "%(postcode)s is also on line %(first_line)s, in another ward (%(code)s"
                            " %(name)s).",
                            postcode=postcode,
                            first_line=number(first_line),
                            code=first_ward.code,
                            name=first_ward.name,
                        ),
                    )
                )
            continue  # the same postcode and ward twice: once is enough
        seen[postcode] = (row.line, ward)
        before = wards_by_id.get(current[postcode]) if postcode in current else None
        check.changes.append(PostcodeChange(row.line, postcode, ward, before, latitude, longitude))
    check.errors.sort(key=lambda error: error[0])
    return check


def _location(lat_text: str, lon_text: str) -> tuple[float | None, float | None, str | None]:
    """A row's latitude and longitude (None, None when it gives neither), or a problem."""
    if not lat_text and not lon_text:
        return None, None, None
    try:
        latitude, longitude = float(lat_text), float(lon_text)
    except ValueError:
        return None, None, _("The latitude and longitude must both be decimal numbers of degrees.")
    if latitude == _ONSPD_UNKNOWN_LATITUDE:
        return None, None, None  # the ONSPD's "no location"
    if not valid_coordinates(latitude, longitude):
        return (
            None,
            None,
            _(
                "%(lat)s, %(lon)s is not a latitude (-90 to 90) and longitude (-180 to 180).",
                lat=lat_text,
                lon=lon_text,
            ),
        )
    return latitude, longitude, None


@atomic
def import_postcodes(text: str, actor) -> PostcodeCheck:
    """Check the file again, then add its new postcodes and move the others, or do nothing.

    Raises PostcodeImportError when any row is bad.
    """
    check = check_postcodes(text)
    if not check.importable:
        raise PostcodeImportError(check)
    new = [_values(c) for c in check.changes if c.kind == "new"]
    moved = [c for c in check.changes if c.kind == "moved"]
    # Rows with a location set it (moved or not); a row without one leaves a known one alone.
    located = [_values(c) for c in check.changes if c.kind != "new" and c.latitude is not None]
    moved_only = [_values(c) for c in moved if c.latitude is None]
    if new:
        db.session.execute(insert(Postcode), new)
    for rows in (located, moved_only):
        if rows:
            db.session.execute(update(Postcode), rows)
    record(
        "postcodes.imported",
        actor=actor,
        new=len(new),
        moved=len(moved),
        unchanged=check.unchanged,
    )
    db.session.flush()
    return check


def _values(change: PostcodeChange) -> dict:
    values = {"postcode": change.postcode, "ward_id": change.ward.id}
    if change.latitude is not None or change.kind == "new":
        values.update(latitude=change.latitude, longitude=change.longitude)
    return values


def postcodes_per_ward() -> list[tuple[Ward, int]]:
    """Every ward with the number of postcodes that place residents in it."""
    query = (
        select(Ward, func.count(Postcode.postcode))
        .outerjoin(Postcode, Postcode.ward_id == Ward.id)
        .group_by(Ward.id)
        .order_by(Ward.name)
    )
    return [(ward, count) for ward, count in db.session.execute(query)]
