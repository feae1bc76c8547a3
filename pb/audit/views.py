"""Public pages for checking results: the audit package and how to verify it."""

from flask import Blueprint, Response, abort, render_template

from pb.audit import package, signing
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
    return render_template("audit/how_to_check.html", public_key=signing.public_key_hex())
