from flask import Blueprint, abort, render_template
from flask_login import current_user

from pb.http import get_or_404
from pb.pots import services
from pb.pots.models import BALLOT_METHODS, Pot
from pb.voting import ballots, eligibility

bp = Blueprint("pots", __name__)


@bp.route("/")
def index():
    pots = services.visible_pots()
    counts = services.proposal_counts([p.id for p in pots])
    return render_template("pots/index.html", pots=pots, counts=counts)


@bp.route("/pots/<int:pot_id>")
def show(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    if pot.phase == "draft" and not (
        current_user.is_authenticated and current_user.has_role("panel", pot.ward_id)
    ):
        abort(404)
    voted = current_user.is_authenticated and eligibility.has_taken_part(current_user, pot)
    count = services.proposal_counts([pot.id]).get(pot.id, 0)
    return render_template(
        "pots/show.html",
        pot=pot,
        voted=voted,
        proposal_count=count,
        instructions=ballots.instructions(pot),
        method_label=str(BALLOT_METHODS[pot.ballot_method]),
    )
