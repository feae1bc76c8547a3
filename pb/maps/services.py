"""What each map shows: its areas, numbered markers and the list beside it, in one place.

The SVG (pb.places.svgmap), the Leaflet layer data and the open data GeoJSON are all built
from these, so the picture, the list and the API cannot disagree.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from pb.assets.services import approved_assets
from pb.delivery.services import funded_proposals
from pb.places.geometry import Place
from pb.places.svgmap import Area, Marker, SvgMap, draw
from pb.proposals.services import list_proposals

# Money per resident, in four bands: fill colour (light to dark), pattern and legend words.
# The pattern and the ward's own label carry the same information as the colour.
BANDS = (
    ("#eff3ff", "pattern-none"),
    ("#bdd7e7", "pattern-dots"),
    ("#6baed6", "pattern-lines"),
    ("#2171b5", "pattern-cross"),
)
NOT_KNOWN = ("#ffffff", "pattern-unknown")


@dataclass(frozen=True)
class Item:
    """A line of the list beside a map; `number` matches the marker (None: no place)."""

    number: int | None
    title: str
    href: str | None
    detail: str
    place: Place | None
    properties: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MapView:
    svg: SvgMap | None
    items: list[Item]
    bands: list[dict] = field(default_factory=list)  # choropleth legend

    @property
    def placed(self) -> list[Item]:
        return [i for i in self.items if i.number is not None]

    @property
    def unplaced(self) -> list[Item]:
        return [i for i in self.items if i.number is None]

    def leaflet_data(self) -> dict:
        """The same map for Leaflet: GeoJSON areas and markers (no tiles needed)."""
        areas = []
        if self.svg is not None:
            for drawn in self.svg.areas:
                areas.append(
                    {
                        "name": drawn.area.name,
                        "code": drawn.area.key,
                        "label": drawn.area.label,
                        "fill": drawn.area.colour,
                        "own": "map-area-own" in drawn.area.fill_class,
                        "geometry": drawn.area.boundary,
                    }
                )
        markers = [
            {
                "number": i.number,
                "title": i.title,
                "href": i.href,
                "lat": i.place.latitude,
                "lon": i.place.longitude,
            }
            for i in self.placed
            if i.place is not None  # every placed item has one
        ]
        return {"areas": areas, "markers": markers}


def _wards_of(council, highlight=None) -> list[Area]:
    return [
        Area(
            key=w.code,
            name=w.name,
            boundary=w.boundary,
            fill_class="map-area map-area-own"
            if highlight and w.id == highlight.id
            else "map-area",
        )
        for w in council.wards
        if w.boundary
    ]


def _numbered(entries) -> tuple[list[Item], list[Marker]]:
    """Number the entries that have a place, in list order: (items, markers)."""
    items, markers, number = [], [], 0
    for title, href, detail, place, properties in entries:
        if place is not None:
            number += 1
            markers.append(Marker(number, title, place, href))
        items.append(Item(number if place else None, title, href, detail, place, properties))
    return items, markers


def _place(row) -> Place | None:
    if row.latitude is None or row.longitude is None:
        return None
    return Place(latitude=row.latitude, longitude=row.longitude)


def proposals_map(pot, url_for) -> MapView:
    """The pot's proposals on its ward(s), numbered in the order the proposals page lists them."""
    proposals = list_proposals(pot)
    items, markers = _numbered(
        (
            p.title,
            url_for("proposals.show", proposal_id=p.id),
            p.status_label,
            _place(p),
            {"id": p.id, "status": p.status, "cost_minor": p.cost},
        )
        for p in proposals
    )
    title = _("Map of the proposals for %(pot)s", pot=pot.name)
    desc = ngettext(
        "%(placed)s of %(num)s proposal has a place on the map, numbered as in the list beside it.",
        "%(placed)s of %(num)s proposals have a place on the map, numbered as in the list "
        "beside it.",
        len(items),
        placed=len(markers),
    )
    return MapView(draw(title, desc, _wards_of(pot.council, pot.ward), markers), items)


def funded_map(pot, url_for) -> MapView:
    """We said, we did: the pot's funded projects and how far their delivery has got."""
    items, markers = _numbered(
        (
            p.title,
            url_for("proposals.show", proposal_id=p.id),
            p.delivery_label or _("Funded"),
            _place(p),
            {
                "id": p.id,
                "cost_minor": p.cost,
                "delivery_status": p.delivery_status,
                "delivery_progress": p.delivery_progress,
            },
        )
        for p in funded_proposals(pot)
    )
    title = _("Map of the projects %(pot)s funded", pot=pot.name)
    desc = ngettext(
        "%(placed)s of %(num)s funded project has a place on the map, numbered as in the "
        "list beside it, with how far its delivery has got.",
        "%(placed)s of %(num)s funded projects have a place on the map, numbered as in the "
        "list beside it, with how far their delivery has got.",
        len(items),
        placed=len(markers),
    )
    return MapView(draw(title, desc, _wards_of(pot.council, pot.ward), markers), items)


def assets_map(council, url_for) -> MapView:
    """The approved community assets of the council."""
    items, markers = _numbered(
        (
            a.name,
            url_for("assets.show", asset_id=a.id),
            a.kind_label,
            _place(a),
            {"id": a.id, "kind": a.kind},
        )
        for a in approved_assets(council)
    )
    title = _("Map of %(council)s's community assets", council=council.name)
    desc = ngettext(
        "%(num)s community asset, numbered as in the list beside the map.",
        "%(num)s community assets, numbered as in the list beside the map.",
        len(markers),
    )
    return MapView(draw(title, desc, _wards_of(council), markers), items)


def band_of(value: int | None, top: int) -> int | None:
    """Which of the four bands an amount per resident falls in (None: not known)."""
    if value is None:
        return None
    if top <= 0:
        return 0
    return min(len(BANDS) - 1, value * len(BANDS) // (top + 1))


def choropleth(figures: dict, council, money) -> MapView:
    """The goes-local dashboard's money per resident, ward by ward, as a choropleth."""
    rows = {row["ward_code"]: row for row in figures["areas"] if row["ward_code"]}
    values = [row["amount_per_resident"] for row in rows.values()]
    top = max((v for v in values if v is not None), default=0)
    areas, items = [], []
    for ward in council.wards:
        row = rows.get(ward.code, {})
        value = row.get("amount_per_resident")
        band = band_of(value, top)
        fill, pattern = NOT_KNOWN if band is None else BANDS[band]
        amount = _("not known") if value is None else money(value)
        label = _("%(amount)s each", amount=amount)
        if ward.boundary:
            areas.append(
                Area(ward.code, ward.name, ward.boundary, f"band-{band}", pattern, label, fill)
            )
        items.append(
            Item(
                None,
                ward.name,
                None,
                _("%(amount)s for each resident", amount=amount),
                None,
                {"band": band},
            )
        )
    bands = []
    for i, (fill, pattern) in enumerate(BANDS):
        # band_of(v) == i exactly for i(top+1)/4 <= v < (i+1)(top+1)/4
        low = -(-i * (top + 1) // len(BANDS))
        high = max(-(-(i + 1) * (top + 1) // len(BANDS)) - 1, low)
        bands.append(
            {
                "band": i,
                "fill": fill,
                "pattern": pattern,
                "text": _("%(low)s to %(high)s", low=money(low), high=money(high)),
            }
        )
    bands.append(
        {"band": None, "fill": NOT_KNOWN[0], "pattern": NOT_KNOWN[1], "text": _("Not known")}
    )
    title = _("Money for each resident, ward by ward, in %(year)s", year=figures["year"])
    desc = _(
        "Each ward is shaded, patterned and labelled by the money devolved to it divided by "
        "its residents; the table beside the map gives the same figures."
    )
    return MapView(draw(title, desc, areas, []), items, bands)
