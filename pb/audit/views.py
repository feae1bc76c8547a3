"""Public pages for checking results: the audit package and how to verify it."""

from flask import Blueprint, Response, abort, jsonify, render_template
from sqlalchemy import select

from pb.audit import package, signing
from pb.councils.models import Council
from pb.extensions import db
from pb.http import get_or_404
from pb.pots.models import Pot
from pb.results.services import publications

bp = Blueprint("audit", __name__)


@bp.route("/pots/<int:pot_id>/audit.zip")
def download(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    if not publications(pot):
        abort(404)
    data = package.build(pot)
    filename = f"pb-pot-{pot.id}-audit.zip"
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/check-the-results")
def how_to_check():
    councils = db.session.scalars(select(Council).order_by(Council.name))
    listed = [(c, f) for c in councils if (f := signing.fingerprint_of(c))]
    return render_template("audit/how_to_check.html", councils=listed)


@bp.route("/councils/<int:council_id>/signing-keys.json")
def key_list(council_id: int):
    """The council's keys, signed by each key still valid: publish it anywhere."""
    council = get_or_404(Council, council_id)
    if not signing.keys(council):
        abort(404)
    return jsonify(signing.key_list(council))
