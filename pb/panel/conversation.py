"""Panel pages for the conversation: the supports rule and comment moderation."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.access import manage_pot, may_manage_pot, requires, signed_in
from pb.conversation import comments, supports
from pb.conversation.forms import HideCommentForm, SupportsRuleForm
from pb.conversation.models import Comment
from pb.http import get_or_404, render_form
from pb.pots.models import PhaseError, Pot

bp = Blueprint("moderation", __name__, url_prefix="/panel")


@bp.route("/pots/<int:pot_id>/supports", methods=["GET", "POST"])
@requires(manage_pot)
def supports_rule(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    form = SupportsRuleForm(obj=pot)
    if form.is_submitted() is False:
        form.rule.data = pot.supports_rule or ""
        form.number.data = pot.supports_number
    if form.validate_on_submit():
        try:
            if form.rule.data:
                supports.set_rule(pot, current_user, form.rule.data, form.number.data)
            else:
                supports.clear_rule(pot, current_user)
        except PhaseError as exc:
            form.form_errors.append(str(exc))
            page, _status = render_form("panel/supports_rule.html", form, pot=pot)
            return page, 409
        flash(_("The supports rule is saved."), "success")
        return redirect(url_for("panel.pot", pot_id=pot.id), code=303)
    return render_form("panel/supports_rule.html", form, pot=pot)


@bp.route("/pots/<int:pot_id>/comments")
@requires(manage_pot)
def comments_index(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    return render_template(
        "panel/comments.html",
        pot=pot,
        rows=comments.for_panel(pot),
        form=HideCommentForm(formdata=None),
    )


@bp.route("/comments/<int:comment_id>/hide", methods=["POST"])
@requires(signed_in)
def hide_comment(comment_id: int):
    found = get_or_404(Comment, comment_id)
    pot = found.proposal.pot
    if not may_manage_pot(current_user, pot):
        abort(403)
    form = HideCommentForm()
    error = None
    if form.validate_on_submit():
        try:
            comments.hide(found, current_user, form.reason.data)
        except comments.CommentError as exc:
            error = str(exc)
        else:
            flash(_("The comment is hidden; the reason is shown in its place."), "success")
            return redirect(url_for("moderation.comments_index", pot_id=pot.id), code=303)
    else:
        error = next(iter(form.errors.values()))[0] if form.errors else _("Give the reason.")
    page = render_template(
        "panel/comments.html", pot=pot, rows=comments.for_panel(pot), form=form, error=error
    )
    return page, 422
