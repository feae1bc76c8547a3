"""Residents' pages: support, comment, follow, the supports outcome, and unsubscribing."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.access import public, public_pot, requires, sees_pot, signed_in, signed_in_pot
from pb.auth.tokens import TokenError
from pb.conversation import comments, follows, notify, supports
from pb.conversation.forms import (
    NOTIFY_LABELS,
    CommentForm,
    EditCommentForm,
    NotifyForm,
)
from pb.conversation.models import Comment
from pb.extensions import csrf, db, limiter
from pb.http import get_or_404
from pb.proposals.models import DeliveryUpdate, Proposal

bp = Blueprint("conversation", __name__)


def public_pot_or_404(pot_id):
    """The pot as this user may see it: a draft is a 404 but for its panel (pb.access)."""
    from pb.pots.models import Pot

    pot = get_or_404(Pot, pot_id)
    if not sees_pot(current_user, pot):
        abort(404)
    return pot


def _comment_rate() -> str:
    return current_app.config["COMMENT_RATE"]


# Per client address and route, POSTs only: reading stays free.
comment_limit = limiter.limit(_comment_rate, methods=["POST"])


def _proposal(proposal_id) -> Proposal:
    proposal = get_or_404(Proposal, proposal_id)
    public_pot_or_404(proposal.pot_id)
    return proposal


def _back_to(proposal: Proposal, anchor: str = ""):
    return redirect(url_for("proposals.show", proposal_id=proposal.id) + anchor, code=303)


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@requires(signed_in)
def support(proposal_id: int):
    proposal = _proposal(proposal_id)
    try:
        if request.form.get("action") == "withdraw":
            supports.withdraw(current_user, proposal)
            message = _("Your support has been taken back.")
        else:
            supports.support(current_user, proposal)
            message = _("Thank you: your support is counted. You now follow this proposal.")
    except supports.SupportError as exc:
        return render_template(
            "conversation/problem.html", message=str(exc), proposal=proposal
        ), 409
    flash(message, "success")
    return _back_to(proposal, "#supports")


@bp.route("/pots/<int:pot_id>/supports")
@requires(public_pot)
def supports_outcome(pot_id: int):
    pot = public_pot_or_404(pot_id)
    if not pot.shows_supports:
        abort(404)
    return render_template("conversation/supports.html", pot=pot, outcome=supports.outcome(pot))


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@requires(signed_in)
@comment_limit
def comment(proposal_id: int):
    proposal = _proposal(proposal_id)
    form = CommentForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()))[0] if form.errors else _("Write your comment.")
        return render_template("conversation/problem.html", message=message, proposal=proposal), 422
    parent = db.session.get(Comment, form.parent()) if form.parent() else None
    update = db.session.get(DeliveryUpdate, form.update()) if form.update() else None
    if (form.parent_id.data and parent is None) or (form.update_id.data and update is None):
        return render_template(
            "conversation/problem.html",
            message=_("Reply to a comment on this proposal."),
            proposal=proposal,
        ), 422
    try:
        made = comments.post(current_user, proposal, form.body.data, parent=parent, update=update)
    except comments.CommentError as exc:
        return render_template(
            "conversation/problem.html", message=str(exc), proposal=proposal
        ), 409
    flash(_("Your comment is posted."), "success")
    return _back_to(proposal, f"#comment-{made.id}")


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@requires(signed_in)
@comment_limit
def edit_comment(comment_id: int):
    found = get_or_404(Comment, comment_id)
    proposal = _proposal(found.proposal_id)
    if found.author_id != current_user.id:
        abort(403)
    form = EditCommentForm(obj=found)
    if not comments.editable(found, current_user):
        message = comments.too_late_to_edit()
        return render_template("conversation/problem.html", message=message, proposal=proposal), 409
    if form.validate_on_submit():
        try:
            comments.edit(found, current_user, form.body.data)
        except comments.CommentError as exc:
            form.body.errors = [str(exc)]
        else:
            flash(_("Your comment is changed."), "success")
            return _back_to(proposal, f"#comment-{found.id}")
    status = 422 if request.method == "POST" else 200
    return render_template(
        "conversation/edit_comment.html", form=form, comment=found, proposal=proposal
    ), status


@bp.route("/comments/<int:comment_id>/flag", methods=["POST"])
@requires(signed_in)
@comment_limit
def flag_comment(comment_id: int):
    found = get_or_404(Comment, comment_id)
    proposal = _proposal(found.proposal_id)
    try:
        comments.flag(found, current_user)
    except comments.CommentError as exc:
        return render_template(
            "conversation/problem.html", message=str(exc), proposal=proposal
        ), 409
    # The same words whether or not someone had flagged it already.
    flash(_("Thank you: the ward panel will look at this comment."), "success")
    return _back_to(proposal, f"#comment-{found.id}")


def _follow(thing, back):
    try:
        if request.form.get("action") == "stop":
            follows.stop(current_user, thing)
            message = _("You no longer follow this.")
        else:
            follows.follow(current_user, thing)
            message = _("You now follow this. We will e-mail you when something happens.")
    except follows.FollowError as exc:
        flash(str(exc), "error")
        return redirect(back, code=303)
    flash(message, "success")
    return redirect(back, code=303)


@bp.route("/pots/<int:pot_id>/follow", methods=["POST"])
@requires(signed_in_pot)
def follow_pot(pot_id: int):
    pot = public_pot_or_404(pot_id)
    return _follow(pot, url_for("pots.show", pot_id=pot.id))


@bp.route("/proposals/<int:proposal_id>/follow", methods=["POST"])
@requires(signed_in)
def follow_proposal(proposal_id: int):
    proposal = _proposal(proposal_id)
    return _follow(proposal, url_for("proposals.show", proposal_id=proposal.id))


@bp.route("/account/notifications", methods=["POST"])
@requires(signed_in)
def notifications():
    form = NotifyForm()
    if not form.validate_on_submit():
        flash(_("Choose how you would like to hear."), "error")
        return redirect(url_for("auth.account") + "#notifications", code=303)
    follows.set_choice(current_user, form.notify.data)
    flash(_("Saved: %(choice)s.", choice=NOTIFY_LABELS[form.notify.data]), "success")
    return redirect(url_for("auth.account") + "#notifications", code=303)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@requires(public)
@csrf.exempt  # the one-click POST comes from a mail client (RFC 8058); the token is the proof
def unsubscribe(token: str):
    try:
        user = notify.user_for_unsubscribe(token)
    except TokenError as exc:
        return render_template("conversation/unsubscribe.html", problem=str(exc)), 400
    if request.method == "POST":
        follows.set_choice(user, "none")
        return render_template("conversation/unsubscribe.html", done=True)
    return render_template("conversation/unsubscribe.html", token=token)
