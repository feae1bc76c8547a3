"""The open data API: read-only JSON for anyone, errors included, described by openapi.json."""

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from pb.access import public, requires
from pb.api import geo, openapi, serializers, services
from pb.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Nothing here changes anything, so there is nothing for a forged request to do; without this,
# a POST would meet the site's HTML CSRF page instead of the API's JSON 405.
csrf.exempt(bp)

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def _route(rule: str):
    """Route every method to the view, so that writes get the API's JSON 405 (see _read_only)."""
    return bp.route(
        rule,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        provide_automatic_options=False,
    )


def error_response(status: int, message: str):
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


@bp.before_request
def _read_only():
    if request.endpoint == "api.unknown":
        return None  # an unknown address is a 404 whatever the method
    if request.method == "OPTIONS":
        response = current_app.response_class(status=204)
        response.headers["Allow"] = ", ".join(READ_METHODS)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
        return response
    if request.method not in READ_METHODS:
        raise MethodNotAllowed(READ_METHODS, _("The open data API is read-only: use GET."))
    return None


@bp.after_request
def _open_to_every_origin(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    status = error.code or 500
    response = error_response(status, error.description or error.name)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.errorhandler(Exception)
def _unexpected_error(error: Exception):
    # As for the site's pages: log it and say so, here in JSON (pb.transaction undid the work).
    if current_app.testing:
        raise error  # tests must see the traceback
    current_app.logger.exception("unexpected error in the API")
    return error_response(500, _("Something went wrong on our side."))


def _pot_or_404(pot_id: int):
    pot = services.visible_pot(pot_id)
    if pot is None:
        abort(404, _("There is no pot with id %(pot_id)s.", pot_id=pot_id))
    return pot


@_route("/openapi.json")
@requires(public)
def document():
    return jsonify(openapi.document())


@_route("/pots")
@requires(public)
def pots():
    listing = services.pot_listing()
    return jsonify({"pots": [serializers.pot(pot, count) for pot, count in listing]})


@_route("/pots/<int:pot_id>")
@requires(public)
def pot(pot_id: int):
    pot = _pot_or_404(pot_id)
    return jsonify(serializers.pot(pot, services.proposal_count(pot)))


@_route("/pots/<int:pot_id>/proposals")
@requires(public)
def proposals(pot_id: int):
    pot = _pot_or_404(pot_id)
    return jsonify(serializers.proposals(pot, services.proposals(pot)))


@_route("/pots/<int:pot_id>/results")
@requires(public)
def results(pot_id: int):
    pot = _pot_or_404(pot_id)
    published, titles = services.published_results(pot)
    if not published:
        abort(404, _("The results of pot %(pot_id)s are not published yet.", pot_id=pot_id))
    return jsonify(serializers.results(pot, published, titles))


@_route("/goes-local")
@requires(public)
def goes_local():
    # The dashboard works these figures out for its page and downloads; the API shows the same.
    from pb.dashboard import services as dashboard

    try:
        year = dashboard.parse_year(request.args.get("year"))
    except dashboard.YearError as exc:
        abort(400, str(exc))
    council = dashboard.current_council()
    if council is None:
        abort(404, _("No council has been set up yet."))
    if year is None:
        year = dashboard.default_year(council)
    figures = dashboard.goes_local(year, council)
    return jsonify(serializers.goes_local(figures, council.currency))


@_route("/geo/wards")
@requires(public)
def geo_wards():
    return jsonify(geo.wards())


@_route("/geo/pots/<int:pot_id>/proposals")
@requires(public)
def geo_proposals(pot_id: int):
    return jsonify(geo.proposals(_pot_or_404(pot_id)))


@_route("/geo/pots/<int:pot_id>/funded")
@requires(public)
def geo_funded(pot_id: int):
    return jsonify(geo.funded(_pot_or_404(pot_id)))


@_route("/geo/assets")
@requires(public)
def geo_assets():
    return jsonify(geo.assets())


@_route("/<path:unknown>")
@requires(public)
def unknown(unknown: str):
    abort(404, _("There is nothing at this address; see /api/v1/openapi.json."))
