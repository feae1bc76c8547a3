"""Maps as server-drawn SVG: ward boundaries and numbered markers, placed in one projection.

Longitude and latitude become SVG coordinates by a simple equirectangular projection: x grows
with longitude scaled by the cosine of the map's middle latitude (so a ward keeps its shape at
British latitudes), y grows southwards. Over a council's few kilometres the error against a
proper projection is far below a pixel. This is the one module that turns degrees into SVG
units; the templates in templates/maps/ only draw what it returns.
"""

import math
from dataclasses import dataclass, field

from shapely.geometry import MultiPolygon, Polygon

from pb.places.geometry import Place, from_text, label_point

WIDTH = 360
PAD = 12
# A map of points alone (no boundary known) spans at least this much, so one point is not
# blown up to fill the page.
MIN_SPAN_DEGREES = 0.01


@dataclass(frozen=True)
class Area:
    """A ward to draw: its boundary, and how to fill and label it."""

    key: str  # the ward's code
    name: str
    boundary: str  # GeoJSON text
    fill_class: str = "map-area"
    pattern: str | None = None  # id of an SVG <pattern> in the map's <defs>
    label: str | None = None  # drawn at a point inside the ward
    colour: str | None = None  # a fill colour; None: the stylesheet's


@dataclass(frozen=True)
class Marker:
    number: int
    title: str
    place: Place
    href: str | None = None
    kind: str = "proposal"


@dataclass(frozen=True)
class DrawnArea:
    area: Area
    d: str  # SVG path data
    label_x: float
    label_y: float


@dataclass(frozen=True)
class DrawnMarker:
    marker: Marker
    x: float
    y: float


@dataclass(frozen=True)
class Projection:
    """lon/lat -> SVG x/y for one map."""

    west: float
    north: float
    scale: float  # SVG units per degree of latitude
    squeeze: float  # cos(middle latitude): a degree of longitude is this much shorter

    def xy(self, longitude: float, latitude: float) -> tuple[float, float]:
        x = PAD + (longitude - self.west) * self.squeeze * self.scale
        y = PAD + (self.north - latitude) * self.scale
        return round(x, 2), round(y, 2)


@dataclass(frozen=True)
class SvgMap:
    title: str
    desc: str
    width: float
    height: float
    areas: list[DrawnArea] = field(default_factory=list)
    markers: list[DrawnMarker] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def _bounds(areas: list[Area], markers: list[Marker]) -> tuple[float, float, float, float]:
    west, south, east, north = math.inf, math.inf, -math.inf, -math.inf
    for area in areas:
        w, s, e, n = from_text(area.boundary).bounds
        west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
    for marker in markers:
        lon, lat = marker.place.longitude, marker.place.latitude
        west, south, east, north = min(west, lon), min(south, lat), max(east, lon), max(north, lat)
    return west, south, east, north


def projection(areas: list[Area], markers: list[Marker]) -> tuple[Projection, float]:
    """The projection that fits every area and marker into WIDTH, and the map's height."""
    west, south, east, north = _bounds(areas, markers)
    middle = (south + north) / 2
    squeeze = math.cos(math.radians(middle))
    if not areas:  # points alone: keep some room around them
        grow_lat = max(0.0, MIN_SPAN_DEGREES - (north - south)) / 2
        grow_lon = max(0.0, MIN_SPAN_DEGREES / squeeze - (east - west)) / 2
        west, east, south, north = (
            west - grow_lon,
            east + grow_lon,
            south - grow_lat,
            north + grow_lat,
        )
    span_x = max((east - west) * squeeze, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (WIDTH - 2 * PAD) / span_x
    height = min(span_y * scale, 2 * WIDTH)  # a very tall area is drawn narrower
    if span_y * scale > height:
        scale = height / span_y
    return Projection(west, north, scale, squeeze), round(height + 2 * PAD, 2)


def _ring(projection: Projection, coordinates) -> str:
    points = [projection.xy(lon, lat) for lon, lat, *_ in coordinates]
    head, *rest = points
    return f"M{head[0]:g} {head[1]:g}" + "".join(f"L{x:g} {y:g}" for x, y in rest[:-1]) + "Z"


def path_data(projection: Projection, boundary: str) -> str:
    """SVG path data of a boundary: each ring a closed subpath (holes drawn evenodd)."""
    shape = from_text(boundary)
    polygons = shape.geoms if isinstance(shape, MultiPolygon) else [shape]
    parts = []
    for polygon in polygons:
        assert isinstance(polygon, Polygon)
        parts.append(_ring(projection, polygon.exterior.coords))
        parts.extend(_ring(projection, hole.coords) for hole in polygon.interiors)
    return "".join(parts)


def draw(title: str, desc: str, areas: list[Area], markers: list[Marker]) -> SvgMap | None:
    """Lay out a map of these areas and markers; None when there is nothing with a place."""
    areas = [a for a in areas if a.boundary]
    if not areas and not markers:
        return None
    proj, height = projection(areas, markers)
    drawn_areas = []
    for area in areas:
        inside = label_point(area.boundary)
        x, y = proj.xy(inside.longitude, inside.latitude)
        drawn_areas.append(DrawnArea(area, path_data(proj, area.boundary), x, y))
    drawn_markers = [DrawnMarker(m, *proj.xy(m.place.longitude, m.place.latitude)) for m in markers]
    return SvgMap(title, desc, WIDTH, height, drawn_areas, drawn_markers)
