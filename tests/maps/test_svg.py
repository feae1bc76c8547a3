"""The server-drawn maps: shapes and markers where they belong, read from the parsed SVG,
and the no-JavaScript path (the SVG, the same list beside it, a title and description)."""

import re
import xml.etree.ElementTree as ET

from shapely.geometry import Point, Polygon

from pb.extensions import db
from pb.places.geometry import Place
from pb.places.svgmap import Area, Marker, draw
from tests.factories import make_pot, make_proposal
from tests.places.conftest import IN_NORTH, IN_SOUTH

SVG = "{http://www.w3.org/2000/svg}"


def _svg(html: str) -> ET.Element:
    match = re.search(r'<svg class="map-svg".*?</svg>', html, re.S)
    assert match, "no map SVG on the page"
    return ET.fromstring(match.group(0))


def _rings(d: str) -> list[list[tuple[float, float]]]:
    rings = []
    for part in re.findall(r"M[^Z]*Z", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", part)]
        rings.append(list(zip(numbers[::2], numbers[1::2], strict=True)))
    return rings


def _areas(svg) -> dict[str, Polygon]:
    return {
        path.get("data-code"): Polygon(_rings(path.get("d"))[0])
        for path in svg.iter(f"{SVG}path")
        if path.get("data-code")
    }


def _markers(svg) -> dict[int, Point]:
    found = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") == "map-marker":
            circle = group.find(f"{SVG}circle")
            assert group.find(f"{SVG}text").text == group.get("data-number")
            found[int(group.get("data-number"))] = Point(
                float(circle.get("cx")), float(circle.get("cy"))
            )
    return found


def test_the_projection_keeps_north_up_and_shapes_in_the_view_box(bounded):
    areas = [Area(w.code, w.name, w.boundary) for w in (bounded.north, bounded.south)]
    markers = [Marker(1, "In the north", Place(*IN_NORTH)), Marker(2, "South", Place(*IN_SOUTH))]
    drawn = draw("A map", "Two wards", areas, markers)
    north, south = (Polygon(_rings(a.d)[0]) for a in drawn.areas)
    assert north.centroid.y < south.centroid.y  # north is up
    # A degree of longitude is cos(53°) of a degree of latitude: North is 0.02° by 0.01°.
    width, height = north.bounds[2] - north.bounds[0], north.bounds[3] - north.bounds[1]
    assert abs(width / height - 2 * 0.6018) < 0.01
    assert drawn.width == 360
    for area in drawn.areas:
        for x, y in _rings(area.d)[0]:
            assert 0 <= x <= drawn.width and 0 <= y <= drawn.height
    assert len(_rings(drawn.areas[1].d)) == 2  # South is a MultiPolygon: two subpaths
    one, two = drawn.markers
    assert north.contains(Point(one.x, one.y)) and south.contains(Point(two.x, two.y))


def test_nothing_with_a_place_draws_no_map():
    assert draw("t", "d", [Area("E1", "No boundary", None)], []) is None


def test_the_proposals_map_page_works_without_javascript(client, bounded):
    pot = bounded.voting_pot
    placed = make_proposal(
        pot, title="Bench in the north", latitude=IN_NORTH[0], longitude=IN_NORTH[1]
    )
    db.session.commit()
    response = client.get(f"/pots/{pot.id}/map")
    assert response.status_code == 200
    svg = _svg(response.text)
    assert svg.get("role") == "img"
    labelled = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == labelled[0]
    assert "1 of 4 proposals have a place" in svg.find(f"{SVG}desc").text
    areas, markers = _areas(svg), _markers(svg)
    assert set(areas) == {"E05000001", "E05000002"}
    assert list(markers) == [1]
    assert areas["E05000001"].contains(markers[1])
    own = [p for p in svg.iter(f"{SVG}path") if "map-area-own" in (p.get("class") or "")]
    assert [p.get("data-code") for p in own] == ["E05000001"]
    # The same information as a list: the numbered marker, then the rest without a place.
    assert re.search(r'<li value="1">.*?Bench in the north', response.text, re.S)
    assert "Not on the map" in response.text and "Alpha garden" in response.text
    assert f'href="/proposals/{placed.id}"' in response.text
    assert "<script" not in response.text.split("</head>")[1].replace(
        '<script type="application/json"', ""
    )  # nothing in the body runs: the data block is JSON for Leaflet


def test_the_funded_map_shows_published_projects_only(client, bounded):
    pot = make_pot(bounded.council, bounded.north, phase="proposals", name="Not yet")
    response = client.get(f"/pots/{pot.id}/funded/map")
    assert response.status_code == 200
    assert "not published yet" in response.text


def test_the_choropleth_has_bands_patterns_labels_and_a_key(client, bounded):
    make_pot(bounded.council, bounded.south, phase="proposals", amount=1_000_000, name="South pot")
    response = client.get("/goes-local/map?year=2026")
    assert response.status_code == 200
    svg = _svg(response.text)
    fills = {p.get("data-code"): p for p in svg.iter(f"{SVG}path") if p.get("data-code")}
    # North: £1,000 + £1,000 for 1,000 residents = £2 each; South £10,000 for 2,000 = £5 each.
    assert fills["E05000002"].get("class") == "band-3"
    assert fills["E05000001"].get("class") in ("band-1", "band-2")
    patterns = [p.get("data-pattern") for p in svg.iter(f"{SVG}path") if p.get("data-pattern")]
    assert "pattern-cross" in patterns  # the top band is patterned, not only coloured
    labels = " ".join("".join(t.itertext()) for t in svg.iter(f"{SVG}text"))
    assert "South" in labels and "£5 each" in labels and "£2 each" in labels
    assert response.text.count("<li data-band=") == 5  # four bands and "not known"


def test_a_bad_year_on_the_choropleth_is_a_message(client, bounded):
    response = client.get("/goes-local/map?year=20x6")
    assert response.status_code == 400
    assert "four digits" in response.text
