"""Officers' pages for paper voting: who voted on paper, and the double-entered batches."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pb.access import paper_pot, requires
from pb.http import get_or_404
from pb.meetings.services import meetings_of
from pb.paper import services
from pb.paper.forms import PaperBatchForm, PaperVoterForm
from pb.pots.models import PhaseError, Pot
from pb.voting.services import ballot_proposals

bp = Blueprint("paper", __name__, url_prefix="/panel/pots/<int:pot_id>/paper")

IDENTIFIER_LABELS = {
    "roll": _l("The voter's elector reference"),
    "codes": _l("The access code from the voter's letter"),
}


def _load(pot_id: int) -> Pot:
    return get_or_404(Pot, pot_id)


def _page(
    pot,
    status=200,
    voter_form=None,
    batch_form=None,
    error=None,
    line_errors=(),
    online_match=False,
):
    voter_form = voter_form or PaperVoterForm(pot.eligibility_mode, formdata=None)
    voter_form.identifier.label.text = IDENTIFIER_LABELS.get(pot.eligibility_mode, _l("Voter"))
    return render_template(
        "paper/index.html",
        pot=pot,
        voter_form=voter_form,
        batch_form=batch_form or PaperBatchForm(meetings_of(pot), formdata=None),
        batches=services.batches(pot),
        proposals=ballot_proposals(pot),
        paper_voters=services.paper_voter_count(pot),
        error=error,
        line_errors=line_errors,
        online_match=online_match,
    ), status


@bp.route("/")
@requires(paper_pot)
def index(pot_id: int):
    return _page(_load(pot_id))


@bp.route("/voters", methods=["POST"])
@requires(paper_pot)
def record_voter(pot_id: int):
    pot = _load(pot_id)
    form = PaperVoterForm(pot.eligibility_mode)
    if not form.validate_on_submit():
        return _page(pot, 422, voter_form=form)
    try:
        services.record_paper_voter(pot, current_user, form.voter())
    except (services.PaperError, PhaseError) as exc:
        target = form.name if pot.eligibility_mode == "open" else form.identifier
        target.errors = [str(exc)]
        return _page(pot, 409, voter_form=form, online_match=getattr(exc, "online_match", False))
    flash(_("Recorded: this person has voted on paper."), "success")
    return redirect(url_for("paper.index", pot_id=pot.id), code=303)


@bp.route("/batches", methods=["POST"])
@requires(paper_pot)
def enter_batch(pot_id: int):
    pot = _load(pot_id)
    form = PaperBatchForm(meetings_of(pot))
    if not form.validate_on_submit():
        return _page(pot, 422, batch_form=form)
    entered, errors = services.parse_batch(pot, form.ballots.data)
    if errors:
        return _page(pot, 422, batch_form=form, line_errors=errors)
    try:
        batch = services.enter_batch(
            pot, current_user, form.number.data, entered, meeting_id=form.meeting()
        )
    except (services.PaperError, PhaseError) as exc:
        return _page(pot, 409, batch_form=form, error=str(exc))
    flash(
        _(
            "Batch %(number)s: %(status_label)s.",
            number=batch.number,
            status_label=batch.status_label,
        ),
        "success",
    )
    return redirect(url_for("paper.batch", pot_id=pot.id, number=batch.number), code=303)


@bp.route("/batches/<int:number>")
@requires(paper_pot)
def batch(pot_id: int, number: int):
    pot = _load(pot_id)
    batch = services.batch_for(pot, number)
    if batch is None:
        return _page(pot, 404, error=_("There is no batch %(number)s yet.", number=number))
    titles = {p.id: p.title for p in ballot_proposals(pot)}
    return render_template(
        "paper/batch.html",
        pot=pot,
        batch=batch,
        rows=services.side_by_side(batch),
        titles=titles,
    )
