"""Points and ward boundaries: GeoJSON geometry checked with shapely, point in polygon.

Boundaries are stored as GeoJSON text (WGS84 longitude, latitude), so SQLite and PostgreSQL
hold them alike and no PostGIS is needed; shapely does the geometry in the app. A council has
tens of wards, so testing a point against each boundary is quick enough without an index.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache

import shapely
from flask_babel import gettext as _
from flask_babel import ngettext
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry

AREA_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Place:
    """A point: latitude and longitude in degrees (WGS84)."""

    latitude: float
    longitude: float


class GeometryProblem(ValueError):
    """Why a GeoJSON geometry cannot be a ward's boundary, in plain words."""


def valid_coordinates(latitude: float, longitude: float) -> bool:
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


def _position_problem(position) -> str | None:
    if not isinstance(position, list) or len(position) < 2:
        return _("a position is not a list of longitude and latitude")
    lon, lat = position[0], position[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
        return _("a position holds something other than numbers")
    if not valid_coordinates(lat, lon):
        shown = json.dumps([lon, lat])  # as the file writes it
        if abs(lon) > 1000 or abs(lat) > 1000:
            return _(
                "the position %(position)s looks like British National Grid metres, not "
                "longitude and latitude: use the WGS84 (EPSG:4326) download of the boundaries",
                position=shown,
            )
        return _("the position %(position)s is not a longitude and latitude", position=shown)
    return None


def _ring_name(kind: str, polygon: int, ring: int) -> str:
    # Translators: a ring of a GeoJSON polygon, named at the start of a problem with it.
    if kind == "MultiPolygon":
        if ring == 1:
            return _("the outer ring of polygon %(polygon)s", polygon=polygon)
        return _("hole %(hole)s of polygon %(polygon)s", hole=ring - 1, polygon=polygon)
    return _("the outer ring") if ring == 1 else _("hole %(hole)s", hole=ring - 1)


def _ring_problem(ring, where: str) -> str | None:
    if not isinstance(ring, list):
        return _("%(ring)s is not a list of positions", ring=where)
    for position in ring:
        problem = _position_problem(position)
        if problem:
            return _("%(ring)s: %(problem)s", ring=where, problem=problem)
    if len(ring) < 4:
        return ngettext(
            "%(ring)s has %(num)s position; a ring needs at least 4",
            "%(ring)s has %(num)s positions; a ring needs at least 4",
            len(ring),
            ring=where,
        )
    if ring[0][:2] != ring[-1][:2]:
        return _("%(ring)s is not closed: its last position must repeat its first", ring=where)
    return None


def check_area(geometry) -> BaseGeometry:
    """The shapely shape of a GeoJSON Polygon or MultiPolygon that can be a boundary.

    Raises GeometryProblem naming the first problem: not an area, a ring that is not closed,
    positions that are not longitude and latitude, a self-intersection.
    """
    if not isinstance(geometry, dict):
        raise GeometryProblem(_("it has no geometry"))
    kind = geometry.get("type")
    if kind not in AREA_TYPES:
        raise GeometryProblem(
            _("its geometry is a %(kind)s, not a Polygon or MultiPolygon", kind=kind)
        )
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise GeometryProblem(_("its geometry has no coordinates"))
    for p, rings in enumerate(polygons, start=1):
        if not isinstance(rings, list) or not rings:
            raise GeometryProblem(_("polygon %(polygon)s has no rings", polygon=p))
        for r, ring in enumerate(rings, start=1):
            problem = _ring_problem(ring, _ring_name(kind, p, r))
            if problem:
                raise GeometryProblem(problem)
    try:
        area = shape(geometry)
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        raise GeometryProblem(_("its geometry cannot be read (%(error)s)", error=exc)) from None
    if not area.is_valid:
        # e.g. "Self-intersection[-1.02 52.01]": GEOS names the problem and where it is.
        reason = shapely.is_valid_reason(area)
        raise GeometryProblem(_("its geometry is not a valid area: %(reason)s", reason=reason))
    if area.is_empty or area.area == 0:
        raise GeometryProblem(_("its geometry encloses no area"))
    return area


def to_text(area: BaseGeometry) -> str:
    """GeoJSON text of a shape, as stored in Ward.boundary."""
    return json.dumps(mapping(area), separators=(",", ":"))


@lru_cache(maxsize=512)
def from_text(text: str) -> BaseGeometry:
    """The shape of a stored boundary (cached: a boundary's text never changes in place)."""
    return shape(json.loads(text))


def contains(boundary_text: str, place: Place) -> bool:
    """Whether the place is inside the boundary or on its edge."""
    return from_text(boundary_text).covers(Point(place.longitude, place.latitude))


def ward_at(wards, place: Place):
    """The first of `wards` whose boundary holds the place, or None."""
    for ward in wards:
        if ward.boundary and contains(ward.boundary, place):
            return ward
    return None


def label_point(boundary_text: str) -> Place:
    """A point surely inside the boundary, for its label on a map."""
    point = from_text(boundary_text).representative_point()
    return Place(latitude=point.y, longitude=point.x)
