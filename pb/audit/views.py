"""Public pages for checking results: the audit package and how to verify it."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file
from sqlalchemy import select

from pb.access import public, requires
from pb.audit import package, signing
from pb.councils.models import Council
from pb.extensions import db, limiter
from pb.http import get_or_404, parse_id
from pb.pots.models import Pot
from pb.results.services import publications

bp = Blueprint("audit", __name__)


def _download_rate() -> str:
    return current_app.config["AUDIT_DOWNLOAD_RATE"]


@bp.route("/pots/<int:pot_id>/audit.zip")
@limiter.limit(_download_rate)
@requires(public)
def download(pot_id: int):
    """The stored package, served as a static file: ETag (its SHA-256), ranges, caching.

    Built once at publication (pb.results.views.publish); only if that copy is missing (a
    failed write, a new storage folder) is it built here, once, and stored for the next."""
    pot = get_or_404(Pot, pot_id)
    if not publications(pot):
        abort(404)
    found = package.stored(pot)
    if found is None:
        package.store(pot)
        found = package.stored(pot)
    stored, path = found
    response = send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"pb-pot-{pot.id}-audit.zip",
        conditional=True,
        etag=stored.sha256,
        max_age=300,
    )
    response.headers["X-Content-SHA256"] = stored.sha256
    return response


@bp.route("/check-the-results")
@requires(public)
def how_to_check():
    councils = db.session.scalars(select(Council).order_by(Council.name))
    listed = [(c, f) for c in councils if (f := signing.fingerprint_of(c))]
    # ?pot=<id>: that pot's commitments (the tie-break seed's SHA-256 and, once published, the
    # seed), which residents' pages leave out and auditors need.
    pot = None
    pot_id = parse_id(request.args.get("pot"))
    if pot_id is not None:
        pot = db.session.get(Pot, pot_id)
        if pot is not None and pot.is_draft:
            pot = None
    seed = None
    if pot is not None and pot.is_published:
        published = publications(pot)
        seed = published[0].seed if published else None
    return render_template("audit/how_to_check.html", councils=listed, pot=pot, seed=seed)


@bp.route("/councils/<int:council_id>/signing-keys.json")
@requires(public)
def key_list(council_id: int):
    """The council's keys, signed by each key still valid: publish it anywhere."""
    council = get_or_404(Council, council_id)
    if not signing.keys(council):
        abort(404)
    return jsonify(signing.key_list(council))
