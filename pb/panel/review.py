"""Panel review of proposals: feasible (maybe at a new cost), not feasible, merged, on ballot."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from pb.access import manage_proposal, requires
from pb.extensions import db
from pb.http import get_or_404
from pb.panel import services
from pb.panel.forms import FeasibleForm, MergeForm, NotFeasibleForm
from pb.pots.models import PhaseError
from pb.proposals.models import Proposal
from pb.proposals.services import list_proposals

bp = Blueprint("review", __name__, url_prefix="/panel/proposals")


def _forms(proposal: Proposal, **bound):
    feasible = bound.get("feasible") or FeasibleForm(
        proposal.pot.currency, formdata=None, cost=proposal.cost
    )
    if "feasible" not in bound:
        feasible.cost.data = proposal.cost
    merge = bound.get("merge") or MergeForm(formdata=None)
    merge.into.choices = [SelectChoice("", _("Choose a proposal"))] + [
        SelectChoice(str(p.id), p.title)
        for p in list_proposals(proposal.pot)
        if p.id != proposal.id and p.status not in ("merged", "not_feasible")
    ]
    return {
        "feasible": feasible,
        "not_feasible": bound.get("not_feasible") or NotFeasibleForm(formdata=None),
        "merge": merge,
    }


def _page(proposal: Proposal, status: int = 200, error: str | None = None, **bound):
    return render_template(
        "panel/review.html",
        proposal=proposal,
        pot=proposal.pot,
        error=error,
        **_forms(proposal, **bound),
    ), status


def _load(proposal_id: int) -> Proposal:
    return get_or_404(Proposal, proposal_id)


def _done(proposal: Proposal, message: str):
    flash(message, "success")
    return redirect(url_for("panel.pot", pot_id=proposal.pot_id), code=303)


@bp.route("/<int:proposal_id>/review")
@requires(manage_proposal)
def show(proposal_id: int):
    return _page(_load(proposal_id))


@bp.route("/<int:proposal_id>/feasible", methods=["POST"])
@requires(manage_proposal)
def feasible(proposal_id: int):
    proposal = _load(proposal_id)
    form = FeasibleForm(proposal.pot.currency)
    if not form.validate_on_submit():
        return _page(proposal, 422, feasible=form)
    try:
        services.mark_feasible(proposal, current_user, form.cost.data, form.note.data)
    except PhaseError as exc:
        return _page(proposal, 409, str(exc), feasible=form)
    return _done(proposal, _("“%(title)s” is feasible.", title=proposal.title))


@bp.route("/<int:proposal_id>/not-feasible", methods=["POST"])
@requires(manage_proposal)
def not_feasible(proposal_id: int):
    proposal = _load(proposal_id)
    form = NotFeasibleForm()
    if not form.validate_on_submit():
        return _page(proposal, 422, not_feasible=form)
    try:
        services.mark_not_feasible(proposal, current_user, form.note.data)
    except PhaseError as exc:
        return _page(proposal, 409, str(exc), not_feasible=form)
    return _done(
        proposal, _("“%(title)s” is not feasible; the proposer is told.", title=proposal.title)
    )


@bp.route("/<int:proposal_id>/merge", methods=["POST"])
@requires(manage_proposal)
def merge(proposal_id: int):
    proposal = _load(proposal_id)
    form = _forms(proposal, merge=MergeForm())["merge"]
    if not form.validate_on_submit():
        return _page(proposal, 422, merge=form)
    into = db.session.get(Proposal, int(form.into.data))
    if into is None:  # the form offers only this pot's proposals; one may have gone since
        abort(404)
    try:
        services.merge(proposal, into, current_user)
    except PhaseError as exc:
        return _page(proposal, 409, str(exc), merge=form)
    return _done(
        proposal,
        _("“%(title)s” was merged into “%(into)s”.", title=proposal.title, into=into.title),
    )


@bp.route("/<int:proposal_id>/ballot", methods=["POST"])
@requires(manage_proposal)
def ballot(proposal_id: int):
    proposal = _load(proposal_id)
    on_ballot = request.form.get("on_ballot") == "1"
    try:
        services.set_on_ballot(proposal, on_ballot, current_user)
    except PhaseError as exc:
        return _page(proposal, 409, str(exc))
    if on_ballot:
        return _done(proposal, _("“%(title)s” is now on the ballot.", title=proposal.title))
    return _done(proposal, _("“%(title)s” has been taken off the ballot.", title=proposal.title))
