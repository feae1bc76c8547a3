"""Where a proposal would happen: a point given, or its postcode's; inside the pot's area.

One rule for every path that places a proposal (the form, the map picker, which fills the
same fields): a ward pot's proposal must lie in that ward, a council-wide pot's in one of the
council's wards, whenever their boundaries are known. Without boundaries nothing can be
checked, so a point is accepted as given.
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from pb.councils.models import Ward
from pb.places.geometry import Place, contains, ward_at
from pb.places.points import PlaceProblem, parse_point, postcode_place

__all__ = ["PlaceProblem", "ProposalPlace", "check_place"]


@dataclass(frozen=True)
class ProposalPlace:
    place: Place | None
    ward: Ward | None  # the ward the place lies in, when boundaries say


def check_place(pot, latitude: str, longitude: str, postcode: str = "") -> ProposalPlace:
    """The proposal's place from the form's fields, checked against the pot's area.

    A typed point wins over a postcode; neither gives no place (a place is optional).
    Raises PlaceProblem with a message naming where the point is.
    """
    place = parse_point(latitude, longitude)
    field = "latitude"
    if place is None and (postcode or "").strip():
        place, field = postcode_place(pot.council, postcode), "place_postcode"
    if place is None:
        return ProposalPlace(None, None)
    wards = list(pot.council.wards)
    found = ward_at(wards, place)
    if pot.ward is not None:
        if pot.ward.boundary and not contains(pot.ward.boundary, place):
            if found is not None:
                message = _(
                    "That place is in %(found)s, not %(ward)s: %(pot)s funds projects in "
                    "%(ward)s. Choose a place in %(ward)s.",
                    found=found.name,
                    ward=pot.ward.name,
                    pot=pot.name,
                )
            else:
                message = _(
                    "That place is outside %(ward)s: %(pot)s funds projects in %(ward)s. "
                    "Choose a place in %(ward)s.",
                    ward=pot.ward.name,
                    pot=pot.name,
                )
            raise PlaceProblem(field, message)
        return ProposalPlace(place, pot.ward)
    if found is None and any(w.boundary for w in wards):
        raise PlaceProblem(
            field,
            _(
                "That place is outside %(council)s's wards. Choose a place in one of them.",
                council=pot.council.name,
            ),
        )
    return ProposalPlace(place, found)
