"""The "goes local" dashboard (everyone): the page, and the same figures as CSV and JSON."""

from functools import partial

from flask import Blueprint, Response, abort, jsonify, render_template, request

from pb import charts
from pb.access import public, requires
from pb.councils.models import Council
from pb.dashboard import services
from pb.dashboard.services import YearError
from pb.extensions import db
from pb.input import parse_id
from pb.money import format_money

bp = Blueprint("dashboard", __name__)


def _council():
    """The council asked for in ?council= (a site may hold imported councils too), else the
    site's own."""
    wanted = request.args.get("council", "")
    if wanted:
        council_id = parse_id(wanted)
        council = db.session.get(Council, council_id) if council_id is not None else None
    else:
        council = services.current_council()
    if council is None:
        abort(404)
    return council


def _money(council):
    return partial(format_money, currency=council.currency)


def _year(council) -> int:
    """The year asked for in ?year=, or the latest year with a pot. Raises YearError."""
    return services.parse_year(request.args.get("year")) or services.default_year(council)


@bp.route("/goes-local")
@requires(public)
def goes_local():
    council = _council()
    try:
        year = _year(council)
    except YearError as exc:
        return render_template(
            "dashboard/goes_local.html",
            figures=None,
            years=services.years(council),
            council=council,
            councils=services.councils(),
            error=str(exc),
        ), 400
    figures = services.goes_local(year, council)
    return render_template(
        "dashboard/goes_local.html",
        figures=figures,
        years=figures["years"],
        charts=charts.goes_local_charts(figures, _money(council)),
        council=council,
        councils=services.councils(),
        error=None,
    )


@bp.route("/goes-local.csv")
@requires(public)
def goes_local_csv():
    council = _council()
    try:
        year = _year(council)
    except YearError as exc:
        return Response(str(exc) + "\n", status=400, mimetype="text/plain")
    return Response(
        services.as_csv(services.goes_local(year, council)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="goes-local-{year}.csv"'},
    )


@bp.route("/goes-local.json")
@requires(public)
def goes_local_json():
    council = _council()
    try:
        year = _year(council)
    except YearError as exc:
        return jsonify(error=str(exc)), 400
    response = jsonify(services.goes_local(year, council))
    # Deprecated for /api/v1/goes-local: the same figures with money under the API's *_minor
    # names, described by /api/v1/openapi.json (README: "Open data API").
    response.headers["Deprecation"] = "true"
    response.headers["Link"] = '</api/v1/goes-local>; rel="successor-version"'
    return response
