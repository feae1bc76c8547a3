from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from pb.extensions import db
from pb.http import get_or_404, render_form
from pb.pots.models import Pot
from pb.voting import eligibility, services
from pb.voting.forms import ApprovalBallotForm, ReceiptCheckForm
from pb.voting.receipts import new_nonce

bp = Blueprint("voting", __name__)

_RECEIPT_KEY = "pb_receipt"


def _blocked(pot):
    """The eligibility page when the user may not vote in `pot`, else None."""
    problems = eligibility.voting_problems(current_user, pot)
    if problems:
        return render_template("voting/not_eligible.html", pot=pot, problems=problems), 403
    return None


@bp.route("/pots/<int:pot_id>/ballot", methods=["GET", "POST"])
@login_required
def ballot(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    if (blocked := _blocked(pot)) is not None:
        return blocked
    proposals = services.ballot_proposals(pot)
    form = ApprovalBallotForm(pot, proposals)
    if request.method == "GET" and request.args.getlist("choice"):
        # "Change my choices" from the review page comes back with the choices ticked.
        form.choices.data = [int(c) for c in request.args.getlist("choice") if c.isdigit()]
    if form.validate_on_submit():
        chosen = [p for p in proposals if p.id in form.choices.data]
        return render_template(
            "voting/review.html",
            pot=pot,
            form=form,
            chosen=chosen,
            total=sum(p.cost for p in chosen),
            nonce=new_nonce(),
        )
    return render_form("voting/ballot.html", form, pot=pot, proposals=proposals)


@bp.route("/pots/<int:pot_id>/ballot/cast", methods=["POST"])
@login_required
def cast(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    proposals = services.ballot_proposals(pot)
    form = ApprovalBallotForm(pot, proposals)
    nonce = form.nonce.data or ""
    if len(nonce) < 16:
        return render_template("voting/stale_form.html", pot=pot), 400
    if not form.validate_on_submit():
        # Repeats of a stored ballot are fine even if the pot has closed since.
        if eligibility.has_taken_part(current_user, pot):
            return _answer_repeat(pot, nonce)
        return render_form("voting/ballot.html", form, pot=pot, proposals=proposals)
    try:
        result = services.cast_ballot(pot, current_user, form.choices.data, nonce)
    except services.AlreadyVoted:
        db.session.rollback()
        return render_template("voting/already_voted.html", pot=pot), 409
    except services.NotEligible as exc:
        db.session.rollback()
        return render_template("voting/not_eligible.html", pot=pot, problems=exc.problems), 403
    db.session.commit()
    session[_RECEIPT_KEY] = {"pot": pot.id, "code": result.receipt}
    return redirect(url_for("voting.receipt", pot_id=pot.id), code=303)


def _answer_repeat(pot, nonce: str):
    try:
        result = services.cast_ballot(pot, current_user, [], nonce)
    except (services.AlreadyVoted, services.NotEligible):
        return render_template("voting/already_voted.html", pot=pot), 409
    session[_RECEIPT_KEY] = {"pot": pot.id, "code": result.receipt}
    return redirect(url_for("voting.receipt", pot_id=pot.id), code=303)


@bp.route("/pots/<int:pot_id>/ballot/receipt")
@login_required
def receipt(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    shown = session.get(_RECEIPT_KEY)
    if not eligibility.has_taken_part(current_user, pot):
        return redirect(url_for("pots.show", pot_id=pot.id))
    code = shown["code"] if shown and shown.get("pot") == pot.id else None
    # The code is shown once; a reload says the ballot is recorded but does not repeat it.
    session.pop(_RECEIPT_KEY, None)
    response = render_template("voting/receipt.html", pot=pot, code=code)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/receipts/check", methods=["GET", "POST"])
def check_receipt():
    form = ReceiptCheckForm()
    ballot = None
    if form.validate_on_submit():
        ballot = services.find_receipt(form.code.data)
        status = 200 if ballot else 404
        pot = db.session.get(Pot, ballot.pot_id) if ballot else None
        return render_template(
            "voting/check_receipt.html", form=form, pot=pot, checked=True
        ), status
    return render_form("voting/check_receipt.html", form, pot=None, checked=False)
