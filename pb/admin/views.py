"""Council admins give and take away roles."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from pb.access import admin, requires
from pb.audit.services import record
from pb.auth import sessions
from pb.auth.models import ROLES, RoleGrant, User
from pb.auth.services import find_user_by_email
from pb.councils.models import Ward
from pb.extensions import db
from pb.http import get_or_404, render_form
from pb.pots.models import Pot

bp = Blueprint("admin", __name__, url_prefix="/panel/roles")


class GrantForm(FlaskForm):
    email = EmailField(
        _l("E-mail of the account"), validators=[InputRequired(_l("Enter an e-mail."))]
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(k, v) for k, v in ROLES.items()])
    ward_id = SelectField(_l("Ward (panel members)"), coerce=str)
    pot_id = SelectField(_l("Pot (officers)"), coerce=str)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wards = db.session.scalars(select(Ward).order_by(Ward.name))
        pots = db.session.scalars(select(Pot).order_by(Pot.year.desc(), Pot.name))
        self.ward_id.choices = [SelectChoice("", "Every ward")] + [
            SelectChoice(str(w.id), w.name) for w in wards
        ]
        self.pot_id.choices = [SelectChoice("", "Every pot")] + [
            SelectChoice(str(p.id), p.name) for p in pots
        ]

    def validate_email(self, field):
        self.user = find_user_by_email(field.data or "")
        if self.user is None:
            raise ValidationError(
                _("No account has this e-mail. Ask the person to register first.")
            )


def _grants():
    return list(db.session.scalars(select(RoleGrant).join(User).order_by(User.email)))


@bp.route("/", methods=["GET", "POST"])
@requires(admin)
def index():
    form = GrantForm()
    if form.validate_on_submit():
        grant = RoleGrant(
            user_id=form.user.id,
            role=form.role.data,
            ward_id=int(form.ward_id.data)
            if form.role.data == "panel" and form.ward_id.data
            else None,
            pot_id=int(form.pot_id.data)
            if form.role.data == "officer" and form.pot_id.data
            else None,
        )
        exists = any(
            (g.role, g.ward_id, g.pot_id) == (grant.role, grant.ward_id, grant.pot_id)
            for g in form.user.roles
        )
        if exists:
            form.form_errors.append(f"{form.user.email} already has this role.")
        else:
            db.session.add(grant)
            db.session.flush()
            record(
                "role.granted",
                actor=current_user,
                user=form.user.id,
                role=grant.role,
                ward=grant.ward_id,
                pot=grant.pot_id,
            )
            flash(
                _("%(email)s is now %(role)s.", email=form.user.email, role=grant.label.lower()),
                "success",
            )
            return redirect(url_for("admin.index"), code=303)
    return render_form("admin/roles.html", form, grants=_grants())


@bp.route("/<int:grant_id>/revoke", methods=["POST"])
@requires(admin)
def revoke(grant_id: int):
    grant = get_or_404(RoleGrant, grant_id)
    if grant.user_id == current_user.id and grant.role == "admin":
        flash(_("You cannot remove your own admin role."), "error")
        return redirect(url_for("admin.index"), code=303)
    record(
        "role.revoked",
        actor=current_user,
        user=grant.user_id,
        role=grant.role,
        ward=grant.ward_id,
        pot=grant.pot_id,
    )
    db.session.delete(grant)
    flash(_("The role has been removed."), "success")
    return redirect(url_for("admin.index"), code=303)


class SignOutForm(FlaskForm):
    email = EmailField(
        _l("E-mail of the account"), validators=[InputRequired(_l("Enter the account's e-mail."))]
    )

    def validate_email(self, field):
        self.user = find_user_by_email(field.data or "")
        if self.user is None:
            raise ValidationError(_("No account has this e-mail."))


@bp.route("/sign-out", methods=["POST"])
@requires(admin)
def sign_out_everywhere():
    """End every session of an account at once (a lost phone, a shared computer, a leak)."""
    form = SignOutForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("admin.index"), code=303)
    sessions.end_all(form.user)
    record("account.signed_out_everywhere", actor=current_user, user=form.user.id)
    flash(_("%(email)s has been signed out everywhere.", email=form.user.email), "success")
    return redirect(url_for("admin.index"), code=303)
