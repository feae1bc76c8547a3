from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pb.extensions import db
from pb.http import get_or_404, require_role
from pb.panel import services
from pb.pots.models import PhaseError, Pot
from pb.proposals.models import Proposal
from pb.proposals.services import list_proposals

bp = Blueprint("panel", __name__, url_prefix="/panel")


@bp.route("/")
@login_required
def index():
    if not current_user.has_role_anywhere("panel"):
        abort(403)
    pots = services.managed_pots(current_user)
    return render_template("panel/index.html", pots=pots)


@bp.route("/pots/<int:pot_id>")
@login_required
def pot(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    require_role("panel", pot.ward_id)
    return _render_pot(pot)


def _render_pot(pot: Pot, error: str | None = None, status: int = 200):
    proposals = list_proposals(pot)
    return render_template(
        "panel/pot.html",
        pot=pot,
        proposals=proposals,
        actions=services.PHASE_ACTIONS,
        error=error,
    ), status


@bp.route("/pots/<int:pot_id>/phase", methods=["POST"])
@login_required
def change_phase(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    require_role("panel", pot.ward_id)
    action = request.form.get("action", "")
    if action not in services.PHASE_ACTIONS:
        return _render_pot(pot, "Choose one of the listed steps.", 400)
    try:
        services.change_phase(pot, action, current_user)
    except PhaseError as exc:
        db.session.rollback()
        return _render_pot(pot, str(exc), 409)
    db.session.commit()
    flash(f"{pot.name}: {pot.phase_label}.", "success")
    return redirect(url_for("panel.pot", pot_id=pot.id), code=303)


@bp.route("/proposals/<int:proposal_id>/ballot", methods=["POST"])
@login_required
def set_on_ballot(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require_role("panel", proposal.pot.ward_id)
    try:
        services.set_on_ballot(proposal, request.form.get("on_ballot") == "1", current_user)
    except PhaseError as exc:
        db.session.rollback()
        return _render_pot(proposal.pot, str(exc), 409)
    db.session.commit()
    return redirect(url_for("panel.pot", pot_id=proposal.pot_id), code=303)
