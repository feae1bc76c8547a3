"""Panel pages for a pot: overview, set-up, phases and the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from pb.access import (
    manage_pot,
    may_manage_pot,
    may_run_paper,
    may_set_up_pots,
    read_pot,
    requires,
    sets_up_pots,
    staff,
)
from pb.audit import words
from pb.audit.models import AuditEvent
from pb.auth.models import User
from pb.councils.models import Ward
from pb.extensions import db
from pb.http import get_or_404, render_form
from pb.panel import services
from pb.panel.forms import BallotKeyForm, KeyCodesForm, PotForm
from pb.pots.models import (
    BALLOT_METHODS,
    ELIGIBILITY_MODES,
    RULES,
    SUPPORTS_RULES,
    PhaseError,
    Pot,
)
from pb.proposals.services import list_proposals
from pb.results import opening
from pb.results.forms import ConfirmStepForm
from pb.voting.sealing import BallotKeyError

bp = Blueprint("panel", __name__, url_prefix="/panel")


@bp.route("/")
@requires(staff)
def index():
    return render_template(
        "panel/index.html",
        pots=services.managed_pots(current_user),
        can_set_up=may_set_up_pots(current_user),
    )


def _wards(council_id: int):
    """The council's own wards (an imported election's council has wards of its own)."""
    query = select(Ward).where(Ward.council_id == council_id).order_by(Ward.name)
    return list(db.session.scalars(query))


@bp.route("/pots/new", methods=["GET", "POST"])
@requires(sets_up_pots)
def new_pot():
    council = services.council_for_new_pot()
    if council is None:
        abort(404)
    wards = [w for w in _wards(council.id) if current_user.may_manage_ward(w.id)]
    council_wide = current_user.may_manage_ward(None)
    if not wards and not council_wide:
        abort(403)
    form = PotForm(wards, council.currency, council_wide=council_wide)
    if form.validate_on_submit():
        try:
            pot = services.create_pot(council, current_user, form.settings())
        except PhaseError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(_("%(name)s has been set up as a draft.", name=pot.name), "success")
            return redirect(url_for("panel.pot", pot_id=pot.id), code=303)
    return render_form("panel/pot_form.html", form, pot=None)


@bp.route("/pots/<int:pot_id>/settings", methods=["GET", "POST"])
@requires(manage_pot)
def settings(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    form = PotForm(
        [w for w in _wards(pot.council_id) if current_user.may_manage_ward(w.id)],
        pot.currency,
        obj=pot,
        frozen=pot.settings_frozen,
        council_wide=current_user.may_manage_ward(None),
    )
    if request.method == "GET":
        form.ward_id.data = str(pot.ward_id or "")
        form.round_name.data = pot.round.name if pot.round else ""
    if form.validate_on_submit():
        try:
            services.update_pot(pot, current_user, form.settings())
        except PhaseError as exc:
            form.form_errors.append(str(exc))
            page, _status = render_form("panel/pot_form.html", form, pot=pot)
            return page, 409
        else:
            flash(_("The pot's settings have been saved."), "success")
            return redirect(url_for("panel.pot", pot_id=pot.id), code=303)
    return render_form("panel/pot_form.html", form, pot=pot)


@bp.route("/pots/<int:pot_id>")
@requires(read_pot)
def pot(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    return _render_pot(pot)


def _render_pot(pot: Pot, error: str | None = None, status: int = 200, codes_form=None):
    return render_template(
        "panel/pot.html",
        pot=pot,
        proposals=list_proposals(pot),
        steps=services.next_steps(pot),
        codes_form=codes_form or KeyCodesForm(formdata=None),
        can_manage=may_manage_pot(current_user, pot),
        can_paper=may_run_paper(current_user, pot),
        counts=opening.channel_counts(pot),
        methods=BALLOT_METHODS,
        modes=ELIGIBILITY_MODES,
        rules=RULES,
        supports_rules=SUPPORTS_RULES,
        error=error,
    ), status


@bp.route("/pots/<int:pot_id>/phase", methods=["POST"])
@requires(manage_pot)
def change_phase(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    action = request.form.get("action", "")
    if action not in services.PHASE_ACTIONS:
        return _render_pot(pot, _("Choose one of the listed steps."), 400)
    form = ConfirmStepForm()
    confirming = "reason" in request.form
    confirmed = confirming and form.validate_on_submit()
    try:
        services.change_phase(
            pot, action, current_user, reason=form.reason.data, confirmed=confirmed
        )
    except services.ConfirmationNeeded as exc:
        if not confirming:
            form = ConfirmStepForm(formdata=None)
        page = render_template(
            "panel/confirm_step.html",
            pot=pot,
            form=form,
            action=action,
            label=services.PHASE_ACTIONS[action],
            because=str(exc),
        )
        return page, (422 if confirming else 200)
    except PhaseError as exc:
        return _render_pot(pot, str(exc), 409)
    flash(_("%(name)s: %(phase_label)s.", name=pot.name, phase_label=pot.phase_label), "success")
    return redirect(url_for("panel.pot", pot_id=pot.id), code=303)


@bp.route("/pots/<int:pot_id>/key", methods=["GET", "POST"])
@requires(manage_pot)
def ballot_key(pot_id: int):
    """Make the ballot key: the codes are shown on this one response and kept nowhere."""
    pot = get_or_404(Pot, pot_id)
    form = BallotKeyForm()
    if form.validate_on_submit():
        try:
            key = services.make_ballot_key(
                pot, current_user, form.holders.data, form.threshold.data
            )
        except (PhaseError, BallotKeyError) as exc:
            form.form_errors.append(str(exc))
            page, _status = render_form("panel/key.html", form, pot=pot)
            return page, 409
        page = render_template("panel/key_made.html", pot=pot, key=key)
        return page, 200, {"Cache-Control": "no-store"}
    return render_form("panel/key.html", form, pot=pot)


@bp.route("/pots/<int:pot_id>/key/confirm", methods=["GET", "POST"])
@requires(manage_pot)
def confirm_key(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    form = KeyCodesForm()
    if form.validate_on_submit():
        try:
            services.confirm_ballot_key(pot, current_user, form.code_list())
        except (PhaseError, BallotKeyError) as exc:
            form.codes.errors = [str(exc)]
        else:
            flash(_("The ballot key is confirmed: voting can open."), "success")
            return redirect(url_for("panel.pot", pot_id=pot.id), code=303)
    return render_form("panel/key_confirm.html", form, pot=pot)


@bp.route("/pots/<int:pot_id>/open-envelopes", methods=["POST"])
@requires(manage_pot)
def open_envelopes(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    form = KeyCodesForm()
    if not form.validate_on_submit():
        return _render_pot(pot, _("Enter the ballot key to open the envelopes."), 422, form)
    try:
        opened = opening.open_envelopes(pot, current_user, form.code_list())
    except (PhaseError, opening.OpeningError) as exc:
        return _render_pot(pot, str(exc), 409, form)
    flash(
        _(
            "The envelopes are open: %(online)s online and %(paper)s paper ballots,"
            " shuffled. Run the tally next.",
            online=opened.online,
            paper=opened.paper,
        ),
        "success",
    )
    return redirect(url_for("results.preview", pot_id=pot.id), code=303)


@bp.route("/pots/<int:pot_id>/audit")
@requires(read_pot)
def audit_log(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    events = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.pot_id == pot.id).order_by(AuditEvent.id)
        )
    )
    actor_ids = {e.actor_id for e in events if e.actor_id}
    names = {}
    if actor_ids:
        rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids)))
        names = {uid: name for uid, name in rows}
    return render_template(
        "panel/audit.html",
        pot=pot,
        events=events,
        names=names,
        event_words=words.event_words,
        detail_lines=words.detail_lines,
    )
