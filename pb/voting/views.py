from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from pb.access import public, requires, signed_in_pot
from pb.audit import package
from pb.http import get_or_404, render_form, sensitive_limit
from pb.pots.models import Phase, Pot
from pb.transaction import after_commit
from pb.voting import ballots, eligibility, proofs, services
from pb.voting.forms import CodeProofForm, ReceiptCheckForm, RollProofForm
from pb.voting.receipts import issue_nonce, nonce_is_valid

bp = Blueprint("voting", __name__)

_RECEIPT_KEY = "pb_receipt"
# The checked draft ballot between the ballot page and the review page (post/redirect/get):
# in the signed session, so back and reload show the review page again, never the browser's
# "resubmit the form?" page. It is only a draft: casting needs the review page's one-time nonce
# and the one-participation-per-pot constraint, so a draft can never become a second vote.
_DRAFT_KEY = "pb_draft"


def _blocked(pot, proof):
    """The eligibility page when the user may not vote in `pot`, else None."""
    problems = eligibility.voting_problems(current_user, pot, proof)
    if problems:
        return render_template("voting/not_eligible.html", pot=pot, problems=problems), 403
    return None


def _ballot_page(pot, proposals, raw=None, error=None):
    status = 422 if error else 200
    return render_template(
        "voting/ballot.html",
        pot=pot,
        proposals=proposals,
        raw=raw,
        error=error,
        instructions=ballots.instructions(pot),
    ), status


@bp.route("/pots/<int:pot_id>/ballot", methods=["GET", "POST"])
@requires(signed_in_pot)
def ballot(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    if (blocked := _blocked(pot, proofs.load(session, pot))) is not None:
        return blocked
    proposals = services.ballot_proposals(pot)
    if request.method == "GET":
        # "Change my choices" comes back from the review page with the ballot filled in.
        return _ballot_page(pot, proposals, ballots.read_query(pot, proposals, request.args))
    raw = ballots.read_form(pot, proposals, request.form)
    try:
        choices = ballots.check(pot, proposals, raw)
    except ballots.BallotError as exc:
        return _ballot_page(pot, proposals, raw, str(exc))
    session[_DRAFT_KEY] = {"pot": pot.id, "fields": ballots.as_form_fields(pot, choices)}
    return redirect(url_for("voting.review", pot_id=pot.id), code=303)


@bp.route("/pots/<int:pot_id>/ballot/review")
@requires(signed_in_pot)
def review(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    if (blocked := _blocked(pot, proofs.load(session, pot))) is not None:
        return blocked
    draft = session.get(_DRAFT_KEY)
    if not isinstance(draft, dict) or draft.get("pot") != pot.id:
        return redirect(url_for("voting.ballot", pot_id=pot.id))
    proposals = services.ballot_proposals(pot)
    fields = [tuple(pair) for pair in draft.get("fields", [])]
    raw = ballots.read_form(pot, proposals, MultiDict(fields))
    try:
        choices = ballots.check(pot, proposals, raw)
    except ballots.BallotError as exc:
        # The ballot changed since (a proposal withdrawn): say so on the ballot page.
        return _ballot_page(pot, proposals, raw, str(exc))
    chosen_ids = {c[0] if isinstance(c, list) else c for c in choices}
    page = render_template(
        "voting/review.html",
        pot=pot,
        lines=ballots.describe(pot, proposals, choices),
        total=sum(p.cost for p in proposals if p.id in chosen_ids),
        fields=fields,
        change_url=url_for("voting.ballot", pot_id=pot.id) + "?" + urlencode(fields),
        nonce=issue_nonce(current_user.id, pot.id),
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/pots/<int:pot_id>/ballot/prove", methods=["GET", "POST"])
@sensitive_limit
@requires(signed_in_pot)
def prove(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    if pot.eligibility_mode == "open":
        return redirect(url_for("voting.ballot", pot_id=pot.id))
    form = RollProofForm() if pot.eligibility_mode == "roll" else CodeProofForm()
    if form.validate_on_submit():
        try:
            if pot.eligibility_mode == "roll":
                proof = proofs.prove_roll(
                    pot,
                    form.reference.data,
                    form.postcode.data,
                    form.date_of_birth.data,
                    user=current_user,
                )
            else:
                proof = proofs.prove_code(pot, form.code.data, user=current_user)
        except proofs.ProofError as exc:
            form.form_errors.append(str(exc))
        else:
            proofs.remember(session, pot, proof)
            return redirect(url_for("voting.ballot", pot_id=pot.id), code=303)
    return render_form("voting/prove.html", form, pot=pot)


@bp.route("/pots/<int:pot_id>/ballot/cast", methods=["POST"])
@requires(signed_in_pot)
def cast(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    nonce = request.form.get("nonce", "")
    # Issued by the review page to this voter for this pot; anything else is a stale form.
    if not nonce_is_valid(nonce, current_user.id, pot.id):
        return render_template("voting/stale_form.html", pot=pot), 400
    proposals = services.ballot_proposals(pot)
    raw = ballots.read_form(pot, proposals, request.form)
    try:
        proof = proofs.load(session, pot)
        result = services.cast_ballot(pot, current_user, raw, nonce, proof, proposals)
    except ballots.BallotError as exc:
        return _ballot_page(pot, proposals, raw, str(exc))
    except services.AlreadyVoted as exc:
        return render_template("voting/already_voted.html", pot=pot, voted_in=exc.pot), 409
    except services.NotEligible as exc:
        return render_template("voting/not_eligible.html", pot=pot, problems=exc.problems), 403
    # The signed session holds the code only once the cast is committed; the draft goes then.
    shown = {"pot": pot_id, "code": result.receipt}
    after_commit(lambda: session.__setitem__(_RECEIPT_KEY, shown))
    after_commit(lambda: session.pop(_DRAFT_KEY, None))
    return redirect(url_for("voting.receipt", pot_id=pot_id), code=303)


@bp.route("/pots/<int:pot_id>/ballot/receipt")
@requires(signed_in_pot)
def receipt(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    shown = session.get(_RECEIPT_KEY)
    code = shown["code"] if shown and shown.get("pot") == pot.id else None
    # The signed session only holds a code after the cast was committed.
    if code is None and not eligibility.has_taken_part(current_user, pot):
        return redirect(url_for("pots.show", pot_id=pot.id))
    # The code is shown once; a reload says the ballot is recorded but does not repeat it.
    session.pop(_RECEIPT_KEY, None)
    response = render_template("voting/receipt.html", pot=pot, code=code)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/receipts/check", methods=["GET", "POST"])
@sensitive_limit
@requires(public)
def check_receipt():
    form = ReceiptCheckForm()
    if form.validate_on_submit():
        found = services.find_receipt(form.code.data)
        pot = found.pot if found else None
        published = found is not None and not found.sealed and pot.phase == Phase.PUBLISHED
        return render_template(
            "voting/check_receipt.html",
            form=form,
            pot=pot,
            checked=True,
            sealed=found is not None and found.sealed,
            ballot_id=found.ballot_id if published else None,
            line=package.ballot_line(pot, found.ballot_id) if published else None,
        ), (200 if found else 404)
    return render_form("voting/check_receipt.html", form, pot=None, checked=False)
