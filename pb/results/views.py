"""Tally, preview and publication (panel), and the published results (everyone)."""

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from pb.dashboard import charts
from pb.extensions import db
from pb.http import get_or_404, require_manage, require_read
from pb.money import format_money
from pb.panel.forms import ReasonForm
from pb.pots.models import PhaseError, Pot
from pb.proposals.models import Proposal
from pb.results import explain, figures, imports, services
from pb.tally import BallotError as TallyError

bp = Blueprint("results", __name__)


def _proposals(pot) -> dict[str, Proposal]:
    rows = db.session.scalars(select(Proposal).where(Proposal.pot_id == pot.id))
    return {str(p.id): p for p in rows}


@bp.route("/panel/pots/<int:pot_id>/tally")
@login_required
def preview(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    require_read(pot)
    return _preview_page(pot)


def _preview_page(pot, status=200, error=None, form=None):
    return render_template(
        "results/preview.html",
        pot=pot,
        result=services.latest(pot, published=False),
        published=services.publications(pot),
        proposals=_proposals(pot),
        can_manage=current_user.may_manage(pot),
        form=form or ReasonForm(formdata=None),
        error=error,
    ), status


@bp.route("/panel/pots/<int:pot_id>/tally", methods=["POST"])
@login_required
def run_tally(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    require_manage(pot)
    form = ReasonForm()
    reason = form.reason.data if pot.phase == "published" else None
    if pot.phase == "published" and not form.validate_on_submit():
        return _preview_page(pot, 422, form=form)
    try:
        services.run_tally(pot, current_user, correction_reason=reason)
    except (PhaseError, TallyError) as exc:
        db.session.rollback()
        return _preview_page(pot, 409, str(exc), form=form)
    db.session.commit()
    flash("The tally has run. Check the outcome below before publishing.", "success")
    return redirect(url_for("results.preview", pot_id=pot.id), code=303)


@bp.route("/panel/pots/<int:pot_id>/publish", methods=["POST"])
@login_required
def publish(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    require_manage(pot)
    try:
        result = services.publish(pot, current_user)
    except PhaseError as exc:
        db.session.rollback()
        return _preview_page(pot, 409, str(exc))
    db.session.commit()
    flash(f"Results version {result.version} are published.", "success")
    return redirect(url_for("results.show", pot_id=pot.id), code=303)


@bp.route("/pots/<int:pot_id>/results")
def show(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    published = services.publications(pot)
    if not published:
        abort(404)
    result = published[0]
    proposals = _proposals(pot)
    numbers = figures.result_figures(pot, result)
    return render_template(
        "results/show.html",
        pot=pot,
        result=result,
        earlier=published[1:],
        proposals=proposals,
        figures=numbers,
        official=imports.official_comparison(pot, result),
        source=imports.imported_source(pot),
        chart=charts.results_chart(
            explain.in_order(result.outcome),
            {pid: p.title for pid, p in proposals.items()},
            numbers.budget,
            "vote" if pot.ballot_method == "approval" else "point",
            partial(format_money, currency=pot.currency),
        ),
    )
