"""The API's GeoJSON: wards, a pot's proposals and funded projects, and community assets.

Each answer is a GeoJSON FeatureCollection (RFC 7946: longitude before latitude, WGS84) whose
features carry public facts only, as the rest of the open data API does; its schemas are in
pb.api.openapi. A ward without a known boundary has a null geometry; proposals and projects
without a place are left out (the pot's JSON lists them all).
"""

import json

from sqlalchemy import select

from pb.assets.services import approved_assets
from pb.councils.models import Council, Ward, site_council
from pb.delivery.services import funded_proposals
from pb.extensions import db
from pb.http import absolute_url
from pb.proposals.services import list_proposals


def _point(row) -> dict:
    return {"type": "Point", "coordinates": [row.longitude, row.latitude]}


def _collection(features: list[dict], **extra) -> dict:
    return {"type": "FeatureCollection", **extra, "features": features}


def wards() -> dict:
    """Every ward of every council, with its boundary when imported."""
    query = select(Ward, Council.name).join(Council).order_by(Council.id, Ward.name, Ward.id)
    features = [
        {
            "type": "Feature",
            "id": ward.code,
            "geometry": json.loads(ward.boundary) if ward.boundary else None,
            "properties": {
                "code": ward.code,
                "name": ward.name,
                "council": council,
                "population": ward.population,
            },
        }
        for ward, council in db.session.execute(query)
    ]
    return _collection(features)


def _proposal_feature(p, **properties) -> dict:
    return {
        "type": "Feature",
        "id": p.id,
        "geometry": _point(p),
        "properties": {
            "id": p.id,
            "title": p.title,
            **properties,
            "html": absolute_url("proposals.show", proposal_id=p.id),
        },
    }


def proposals(pot) -> dict:
    features = [
        _proposal_feature(
            p,
            status=p.status,
            cost_minor=p.cost,
            ward_code=_ward_code(p.ward_id),
            asset_id=p.asset_id if p.asset is not None and p.asset.approved else None,
        )
        for p in list_proposals(pot)
        if p.located
    ]
    return _collection(features, pot_id=pot.id, currency=pot.currency)


def funded(pot) -> dict:
    features = [
        _proposal_feature(
            p,
            cost_minor=p.cost,
            delivery_status=p.delivery_status,
            delivery_progress=p.delivery_progress,
        )
        for p in funded_proposals(pot)
        if p.located
    ]
    return _collection(features, pot_id=pot.id, currency=pot.currency)


def assets() -> dict:
    """The approved entries of the site's council's community asset register."""
    features = [
        {
            "type": "Feature",
            "id": a.id,
            "geometry": _point(a),
            "properties": {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "offers": a.offers,
                "address": a.address,
                "contact": a.contact,
                "opening": a.opening,
                "ward_code": a.ward.code if a.ward else None,
                "html": absolute_url("assets.show", asset_id=a.id),
            },
        }
        for a in approved_assets(site_council())
    ]
    return _collection(features)


def _ward_code(ward_id: int | None) -> str | None:
    ward = db.session.get(Ward, ward_id) if ward_id else None
    return ward.code if ward else None
