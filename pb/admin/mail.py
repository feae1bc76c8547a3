"""The dead letters: mail the queue gave up on, for an admin to retry or discard."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from pb.access import admin, requires
from pb.audit.services import record
from pb.extensions import db
from pb.http import get_or_404
from pb.mail import FailedMail, queue_raw
from pb.timeutil import utcnow

bp = Blueprint("mail_admin", __name__, url_prefix="/panel/mail")


@bp.route("/")
@requires(admin)
def index():
    waiting = db.session.scalars(
        select(FailedMail).where(FailedMail.resolution.is_(None)).order_by(FailedMail.id.desc())
    )
    return render_template("admin/mail.html", failed=list(waiting))


def _resolve(mail_id, resolution: str) -> FailedMail:
    found = get_or_404(FailedMail, mail_id)
    if found.resolution is not None:
        abort(409, description=_("This mail was already retried or discarded."))
    found.resolution = resolution
    found.resolved_by_id = current_user.id
    found.resolved_at = utcnow()
    # Address and subject only: the body may hold a sign-in link.
    record(f"mail.{resolution}", actor=current_user, mail=found.id, to=found.to)
    return found


@bp.route("/<int:mail_id>/retry", methods=["POST"])
@requires(admin)
def retry(mail_id: int):
    found = _resolve(mail_id, "retried")
    queue_raw(found.raw)  # queued again once this commits; a new failure is a new row
    flash(_("The message is queued again."), "success")
    return redirect(url_for("mail_admin.index"), code=303)


@bp.route("/<int:mail_id>/discard", methods=["POST"])
@requires(admin)
def discard(mail_id: int):
    _resolve(mail_id, "discarded")
    flash(_("The message is discarded."), "success")
    return redirect(url_for("mail_admin.index"), code=303)
