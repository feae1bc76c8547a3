"""Map pages: a pot's proposals, its funded projects, and money per resident by ward."""

from functools import partial

from flask import Blueprint, abort, render_template, request, url_for

from pb.access import public, public_pot, requires
from pb.dashboard import services as dashboard
from pb.dashboard.services import YearError
from pb.http import get_or_404
from pb.maps import services
from pb.money import format_money
from pb.places.tiles import tiles
from pb.pots.models import Pot

bp = Blueprint("maps", __name__)


@bp.route("/pots/<int:pot_id>/map")
@requires(public_pot)
def proposals(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    view = services.proposals_map(pot, url_for)
    return render_template("maps/proposals.html", pot=pot, view=view, tiles=tiles())


@bp.route("/pots/<int:pot_id>/funded/map")
@requires(public_pot)
def funded(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    view = services.funded_map(pot, url_for)
    return render_template("maps/funded.html", pot=pot, view=view, tiles=tiles())


@bp.route("/goes-local/map")
@requires(public)
def goes_local():
    council = dashboard.current_council()
    if council is None:
        abort(404)
    try:
        year = dashboard.parse_year(request.args.get("year")) or dashboard.default_year(council)
    except YearError as exc:
        return render_template(
            "maps/goes_local.html", council=council, view=None, error=str(exc), tiles=tiles()
        ), 400
    figures = dashboard.goes_local(year, council)
    view = services.choropleth(figures, council, partial(format_money, currency=council.currency))
    return render_template(
        "maps/goes_local.html",
        council=council,
        figures=figures,
        view=view,
        error=None,
        tiles=tiles(),
    )
