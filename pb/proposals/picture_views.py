"""Pages for proposal pictures: the proposer adds them, everyone sees them, the panel removes."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from pb.access import may_manage_pot, own_proposal, public, requires, sees_pot, signed_in
from pb.extensions import db
from pb.http import get_or_404
from pb.proposals.models import Proposal
from pb.proposals.pictures import (
    ALT_LENGTH,
    MAX_PICTURES,
    SIZES,
    PictureError,
    ProposalPicture,
    add_picture,
    delete_files,
    pictures_of,
    remove_picture,
)
from pb.storage import storage
from pb.transaction import after_commit

bp = Blueprint("pictures", __name__)


class PictureForm(FlaskForm):
    picture = FileField(_l("Picture (JPEG, PNG or WebP, at most 5 MB)"))
    alt = StringField(
        _l("Describe the picture for people who cannot see it"),
        validators=[
            InputRequired(_l("Describe the picture for people who cannot see it.")),
            Length(max=ALT_LENGTH, message=_l("Keep the description to 250 characters.")),
        ],
    )


class RemoveForm(FlaskForm):
    reason = StringField(
        _l("Reason, shown in place of the picture"),
        validators=[InputRequired(_l("Give the reason.")), Length(max=500)],
    )


@bp.route("/proposals/<int:proposal_id>/pictures", methods=["GET", "POST"])
@requires(own_proposal)
def manage(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    form = PictureForm()
    editable = proposal.editable_by(current_user)
    status = 200
    if request.method == "POST":
        status = 422
        if not editable:
            form.form_errors.append(_("Pictures can be added until the review starts."))
            status = 409
        elif form.validate_on_submit():
            upload = form.picture.data
            data = upload.read() if upload is not None and hasattr(upload, "read") else b""
            try:
                add_picture(proposal, current_user, data, form.alt.data)
            except PictureError as exc:
                form.picture.errors = [str(exc)]
            else:
                flash(_("The picture is added."), "success")
                return redirect(url_for("pictures.manage", proposal_id=proposal.id), code=303)
    page = render_template(
        "proposals/pictures.html",
        form=form,
        proposal=proposal,
        pictures=pictures_of(proposal),
        most=MAX_PICTURES,
        editable=editable,
    )
    return page, status


@bp.route("/pictures/<int:picture_id>/<size>")
@requires(public)
def show(picture_id: int, size: str):
    picture = get_or_404(ProposalPicture, picture_id)
    proposal = db.session.get_one(Proposal, picture.proposal_id)
    if not sees_pot(current_user, proposal.pot):
        abort(404)
    if size not in SIZES or picture.removed_at is not None:
        abort(404)
    data = storage().get(picture.storage_key(size))
    if data is None:
        abort(404)
    response = Response(data, mimetype=picture.content_type)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/panel/pictures/<int:picture_id>/remove", methods=["POST"])
@requires(signed_in)
def remove(picture_id: int):
    picture = get_or_404(ProposalPicture, picture_id)
    proposal = db.session.get_one(Proposal, picture.proposal_id)
    if not may_manage_pot(current_user, proposal.pot):
        abort(403)
    form = RemoveForm()
    if form.validate_on_submit():
        try:
            remove_picture(picture, current_user, form.reason.data)
        except PictureError as exc:
            message = str(exc)
        else:
            after_commit(lambda: delete_files(picture))  # once the removal stands
            flash(_("The picture is removed; the reason is shown in its place."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    else:
        message = _("Give the reason; it is shown in place of the picture.")
    page = render_template("conversation/problem.html", message=message, proposal=proposal)
    return page, 422
