from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pb import i18n, redirects
from pb.access import public, requires, signed_in
from pb.auth import lockout, services, sessions
from pb.auth.forms import (
    AccountForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from pb.auth.models import LoginSession, User
from pb.auth.tokens import TokenError
from pb.conversation import pages
from pb.councils.wards import ward_of_postcode
from pb.extensions import db, login_manager
from pb.http import render_form, sensitive_limit
from pb.voting import residence

bp = Blueprint("auth", __name__)

LOCKED_MESSAGE = _l(
    "There have been too many failed attempts to log in with this e-mail "
    "address. Wait a few minutes, then try again."
)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    digest = sessions.current_token_hash()
    if digest is None:
        return None
    # Roles come in the same query: every page's navigation asks for them. The join on the
    # session's row means an ended session (log-out, sign out everywhere) loads no one.
    query = (
        select(User)
        .options(joinedload(User.roles))
        .join(
            LoginSession,
            (LoginSession.user_id == User.id) & (LoginSession.token_sha256 == digest),
        )
        .where(User.id == int(user_id))
    )
    user = db.session.scalars(query).unique().first()
    if user is None or user.session_epoch != int(epoch):
        return None
    return user


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site, never to another host (pb.redirects)."""
    return redirects.safe_next(target, url_for("pots.index"))


@bp.route("/register", methods=["GET", "POST"])
@sensitive_limit
@requires(public)
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        services.register(
            email=form.email.data,
            display_name=form.display_name.data,
            password=form.password.data,
            postcode=form.postcode.data,
            date_of_birth=form.date_of_birth.data,
        )
        # Not silent: a postcode in none of the council's wards can vote in no ward's pot.
        outside = ward_of_postcode(form.postcode.data) is None
        return redirect(url_for("auth.check_email", outside=1 if outside else None))
    return render_form("auth/register.html", form)


@bp.route("/register/check-email")
@requires(public)
def check_email():
    return render_template("auth/check_email.html")


@bp.route("/confirm/<token>")
@requires(public)
def confirm_email(token: str):
    try:
        user = services.confirm_email(token)
    except TokenError as exc:
        return render_template("auth/link_problem.html", message=str(exc), kind="confirm"), 400
    flash(_("Thank you, your e-mail address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("pots.index"))
    return redirect(url_for("auth.login"))


@bp.route("/confirm/resend", methods=["POST"])
@requires(signed_in)
def resend_confirmation():
    if not current_user.email_confirmed:
        services.send_confirmation(current_user)
    flash(
        _("We have sent a new confirmation link to %(email)s.", email=current_user.email), "success"
    )
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/login", methods=["GET", "POST"])
@sensitive_limit
@requires(public)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        if lockout.is_locked(form.email.data):
            # Same words whether or not the address has an account.
            form.form_errors.append(LOCKED_MESSAGE)
            return render_template("auth/login.html", form=form), 429
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            lockout.record_success(form.email.data)
            chosen = session.get(i18n.SESSION_KEY)
            session.clear()  # a fresh session at log-in: nothing carries over from before,
            if chosen:  # but the language just chosen, which the account keeps from now on
                session[i18n.SESSION_KEY] = chosen
                user.locale = chosen
            sessions.start(user)
            login_user(user)
            response = redirect(_safe_next(request.args.get("next")))
            lockout.remember_device(response, form.email.data)
            return response
        lockout.record_failure(form.email.data)
        form.form_errors.append(_("The e-mail address or password is not right."))
    return render_form("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
@requires(public)
def logout():
    sessions.end_current()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("pots.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@sensitive_limit
@requires(public)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_form("auth/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@sensitive_limit
@requires(public)
def reset_password(token: str):
    try:
        user = services.user_for_reset(token)
    except TokenError as exc:
        return render_template("auth/link_problem.html", message=str(exc), kind="reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        logout_user()
        session.clear()
        flash(_("Your password has been changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/reset_password.html", form)


@bp.route("/account", methods=["GET", "POST"])
@requires(signed_in)
def account():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        residence.update_details(
            current_user, form.display_name.data, form.postcode.data, form.date_of_birth.data
        )
        flash(_("Your details have been saved."), "success")
        return redirect(
            _safe_next(request.args.get("next"))
            if request.args.get("next")
            else url_for("auth.account")
        )
    return render_form(
        "auth/account.html",
        form,
        rounds=residence.current_rounds(current_user),
        notify_form=pages.notify_form(current_user),
        followed=pages.followed(current_user),
    )
