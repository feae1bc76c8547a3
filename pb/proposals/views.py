from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.access import own_proposal, public_pot, public_proposal, requires, signed_in_pot
from pb.assets.services import approved_assets
from pb.conversation.pages import proposal_part
from pb.delivery import services as delivery_services
from pb.http import get_or_404, render_form
from pb.places.tiles import tiles
from pb.pots.models import Phase, Pot
from pb.proposals import services
from pb.proposals.forms import ProposalForm
from pb.proposals.models import CATEGORIES, Proposal
from pb.proposals.pictures import first_pictures, pictures_of
from pb.results import services as results_services
from pb.voting import eligibility

bp = Blueprint("proposals", __name__)


@bp.route("/pots/<int:pot_id>/proposals")
@requires(public_pot)
def index(pot_id: int):
    pot = get_or_404(Pot, pot_id)
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
        standings=results_services.standings(pot),
        pictures=first_pictures(proposals),
    )


@bp.route("/proposals/<int:proposal_id>")
@requires(public_proposal)
def show(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        pot=proposal.pot,
        delivery=delivery_services.delivery(proposal),
        standing=results_services.standings(proposal.pot).get(str(proposal.id)),
        pictures=pictures_of(proposal, removed=True),
        conversation=proposal_part(proposal, current_user),
    )


@bp.route("/pots/<int:pot_id>/proposals/new", methods=["GET", "POST"])
@requires(signed_in_pot)
def new(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    if pot.phase != Phase.PROPOSALS:
        return render_template("proposals/closed.html", pot=pot), 409
    if problems := eligibility.resident_problems(current_user, pot):
        return render_template("proposals/not_eligible.html", pot=pot, problems=problems), 403
    form = ProposalForm(pot, assets=approved_assets(pot.council))
    if form.validate_on_submit():
        proposal = services.submit_proposal(pot, current_user, **form.fields())
        flash(_("Thank you, your proposal has been submitted."), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    return render_form("proposals/form.html", form, pot=pot, proposal=None, tiles=tiles())


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@requires(own_proposal)
def edit(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    if not proposal.editable_by(current_user):
        return render_template("proposals/closed.html", pot=proposal.pot, proposal=proposal), 409
    form = ProposalForm(proposal.pot, obj=proposal, assets=approved_assets(proposal.pot.council))
    if form.validate_on_submit():
        services.update_proposal(proposal, current_user, **form.fields())
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    return render_form(
        "proposals/form.html", form, pot=proposal.pot, proposal=proposal, tiles=tiles()
    )
