"""Council admins give and take away roles."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.access import admin, requires
from pb.admin import services
from pb.admin.forms import GrantForm, SignOutForm
from pb.auth.models import RoleGrant
from pb.http import get_or_404, render_form

bp = Blueprint("admin", __name__, url_prefix="/panel/roles")


@bp.route("/", methods=["GET", "POST"])
@requires(admin)
def index():
    form = GrantForm(services.wards(), services.pots())
    if form.validate_on_submit():
        try:
            grant = services.grant_role(
                current_user,
                form.user,
                form.role.data,
                ward_id=form.chosen("ward_id"),
                pot_id=form.chosen("pot_id"),
            )
        except services.DuplicateGrant as exc:
            form.form_errors.append(str(exc))
        else:
            flash(
                _("%(email)s now has the role: %(role)s.", email=form.user.email, role=grant.label),
                "success",
            )
            return redirect(url_for("admin.index"), code=303)
    return render_form("admin/roles.html", form, grants=services.grants())


@bp.route("/<int:grant_id>/revoke", methods=["POST"])
@requires(admin)
def revoke(grant_id: int):
    grant = get_or_404(RoleGrant, grant_id)
    if grant.user_id == current_user.id and grant.role == "admin":
        flash(_("You cannot remove your own admin role."), "error")
        return redirect(url_for("admin.index"), code=303)
    services.revoke_role(current_user, grant)
    flash(_("The role has been removed."), "success")
    return redirect(url_for("admin.index"), code=303)


@bp.route("/sign-out", methods=["POST"])
@requires(admin)
def sign_out_everywhere():
    """End every session of an account at once (a lost phone, a shared computer, a leak)."""
    form = SignOutForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("admin.index"), code=303)
    services.sign_out_everywhere(current_user, form.user)
    flash(_("%(email)s has been signed out everywhere.", email=form.user.email), "success")
    return redirect(url_for("admin.index"), code=303)
