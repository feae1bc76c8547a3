"""Tally, preview and publication (panel), and the published results (everyone)."""

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from pb import charts, jobs
from pb.access import manage_pot, may_manage_pot, public_pot, read_pot, requires
from pb.extensions import db
from pb.http import get_or_404
from pb.money import format_money
from pb.pots.models import RULE_WORDS, BallotMethod, Phase, PhaseError, Pot
from pb.proposals.models import Proposal
from pb.results import explain, figures, imports, services, signals
from pb.results.forms import ConfirmStepForm, ReasonForm
from pb.transaction import after_commit

bp = Blueprint("results", __name__)
CHART_RUNNERS_UP = 5  # unfunded projects drawn in the summary chart after the funded ones


def _proposals(pot) -> dict[str, Proposal]:
    rows = db.session.scalars(select(Proposal).where(Proposal.pot_id == pot.id))
    return {str(p.id): p for p in rows}


def _would_take(outcome: dict, currency: str) -> dict[str, str | None]:
    figures = outcome.get("what_it_would_take") or []
    return {f["project_id"]: explain.would_take(f, currency) for f in figures}


@bp.route("/panel/pots/<int:pot_id>/tally")
@requires(read_pot)
def preview(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    return _preview_page(pot)


def _preview_page(pot, status=200, error=None, form=None, publish_form=None):
    return render_template(
        "results/preview.html",
        pot=pot,
        result=(preview := services.latest(pot, published=False)),
        would_take=_would_take(preview.outcome, pot.council.currency) if preview else {},
        published=services.publications(pot),
        proposals=_proposals(pot),
        can_manage=may_manage_pot(current_user, pot),
        form=form or ReasonForm(formdata=None),
        publish_form=publish_form or ConfirmStepForm(formdata=None),
        error=error,
    ), status


@bp.route("/panel/pots/<int:pot_id>/tally", methods=["POST"])
@requires(manage_pot)
def run_tally(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    form = ReasonForm()
    reason = form.reason.data if pot.phase == Phase.PUBLISHED else None
    if pot.phase == Phase.PUBLISHED and not form.validate_on_submit():
        return _preview_page(pot, 422, form=form)
    try:
        job = services.start_tally(pot, current_user, correction_reason=reason)
    except PhaseError as exc:
        return _preview_page(pot, 409, str(exc), form=form)
    # The job starts once this request has committed (jobs.enqueue); when jobs run at once
    # (tests, PB_JOBS_IMMEDIATE) it is done before the browser follows the redirect.
    job_id = job.id
    after_commit(lambda: _say_if_done(job_id))
    if jobs.run_at_once():
        return redirect(url_for("results.preview", pot_id=pot.id), code=303)
    return redirect(url_for("results.job", pot_id=pot.id, job_id=job_id), code=303)


def _say_if_done(job_id: int) -> None:
    job = db.session.get(jobs.Job, job_id)
    if job is not None and job.status == jobs.JobStatus.DONE:
        flash(_("The tally has run. Check the outcome below before publishing."), "success")


@bp.route("/panel/pots/<int:pot_id>/jobs/<int:job_id>")
@requires(read_pot)
def job(pot_id: int, job_id: int):
    """How far a background count has got; refreshes itself (no JavaScript) until it is done."""
    pot = get_or_404(Pot, pot_id)
    found = get_or_404(jobs.Job, job_id)
    if found.pot_id != pot.id:
        abort(404)
    return render_template("results/job.html", pot=pot, job=found)


@bp.route("/panel/pots/<int:pot_id>/publish", methods=["POST"])
@requires(manage_pot)
def publish(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    form = ConfirmStepForm()
    if not form.validate_on_submit():
        return _preview_page(pot, 422, publish_form=form)
    try:
        result = services.publish(pot, current_user, reason=form.reason.data)
    except PhaseError as exc:
        return _preview_page(pot, 409, str(exc), publish_form=form)
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy method: how Flask documents reaching the app
    after_commit(lambda: signals.published.send(app, pot=pot))
    flash(_("Results version %(version)s are published.", version=result.version), "success")
    return redirect(url_for("results.show", pot_id=pot.id), code=303)


@bp.route("/pots/<int:pot_id>/results")
@requires(public_pot)
def show(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    published = services.publications(pot)
    if not published:
        # Not yet: say when they are due rather than "not found".
        return render_template("results/not_yet.html", pot=pot)
    result = published[0]
    proposals = _proposals(pot)
    numbers = figures.result_figures(pot, result)
    in_order = explain.in_order(result.outcome)
    # The summary's chart: the funded projects and the nearest few that were not; every
    # project is in the table behind it, so a long ballot keeps the page short.
    shown = [p for p in in_order if p["selected"]]
    shown += [p for p in in_order if not p["selected"]][:CHART_RUNNERS_UP]
    chart_caption = None
    if len(shown) < len(in_order):
        chart_caption = _(
            "The funded projects and the %(n)s nearest that were not funded. Solid bars are "
            "funded; outlined bars were not, drawn after the money spent. The dashed line is "
            "the budget. The table of every project gives all %(all)s.",
            n=len(shown) - len(numbers.funded),
            all=len(in_order),
        )
    return render_template(
        "results/show.html",
        pot=pot,
        result=result,
        earlier=published[1:],
        proposals=proposals,
        figures=numbers,
        would_take=_would_take(result.outcome, pot.council.currency),
        official=imports.official_comparison(pot, result),
        source=imports.imported_source(pot),
        rule_words=RULE_WORDS.get(result.rule, result.rule),
        chart_caption=chart_caption,
        chart=charts.results_chart(
            shown,
            {pid: p.title for pid, p in proposals.items()},
            numbers.budget,
            "vote" if pot.ballot_method == BallotMethod.APPROVAL else "point",
            partial(format_money, currency=pot.currency),
        ),
    )
