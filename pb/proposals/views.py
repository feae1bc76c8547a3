from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pb.extensions import db
from pb.http import get_or_404, render_form
from pb.pots.models import Pot
from pb.proposals import services
from pb.proposals.forms import ProposalForm
from pb.proposals.models import CATEGORIES, Proposal
from pb.voting import eligibility

bp = Blueprint("proposals", __name__)


def _visible_pot(pot_id: int) -> Pot:
    pot = get_or_404(Pot, pot_id)
    if pot.phase == "draft" and not (
        current_user.is_authenticated and current_user.has_role("panel", pot.ward_id)
    ):
        abort(404)
    return pot


@bp.route("/pots/<int:pot_id>/proposals")
def index(pot_id: int):
    pot = _visible_pot(pot_id)
    category = request.args.get("category", "")
    words = request.args.get("q", "")[:200]
    if category not in CATEGORIES:
        category = ""
    proposals = services.list_proposals(pot, category=category or None, words=words)
    return render_template(
        "proposals/index.html",
        pot=pot,
        proposals=proposals,
        categories=CATEGORIES,
        category=category,
        words=words,
    )


@bp.route("/proposals/<int:proposal_id>")
def show(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    _visible_pot(proposal.pot_id)
    return render_template("proposals/show.html", proposal=proposal, pot=proposal.pot)


@bp.route("/pots/<int:pot_id>/proposals/new", methods=["GET", "POST"])
@login_required
def new(pot_id: int):
    pot = _visible_pot(pot_id)
    if pot.phase != "proposals":
        return render_template("proposals/closed.html", pot=pot), 409
    problems = [
        p
        for p in (
            eligibility.confirmation_problem(current_user),
            eligibility.area_problem(current_user, pot),
        )
        if p is not None
    ]
    if problems:
        return render_template("proposals/not_eligible.html", pot=pot, problems=problems), 403
    form = ProposalForm(pot)
    if form.validate_on_submit():
        proposal = services.submit_proposal(pot, current_user, **_fields(form))
        db.session.commit()
        flash(_("Thank you, your proposal has been submitted."), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    return render_form("proposals/form.html", form, pot=pot, proposal=None)


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    if proposal.proposer_id != current_user.id:
        abort(403)
    if not proposal.editable_by(current_user):
        return render_template("proposals/closed.html", pot=proposal.pot, proposal=proposal), 409
    form = ProposalForm(proposal.pot, obj=proposal)
    if form.validate_on_submit():
        services.update_proposal(proposal, current_user, **_fields(form))
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    return render_form("proposals/form.html", form, pot=proposal.pot, proposal=proposal)


def _fields(form: ProposalForm) -> dict:
    return {name: getattr(form, name).data for name in services.EDITABLE_FIELDS}
