"""Meeting pages: the pot's sessions, an .ics per meeting and a feed per pot; the panel adds."""

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.access import manage_pot, may_manage_pot, public, public_pot, requires, sees_pot, signed_in
from pb.http import absolute_url, base_url, get_or_404, render_form
from pb.meetings import services
from pb.meetings.forms import MeetingForm
from pb.meetings.models import Meeting
from pb.pots.models import Pot

bp = Blueprint("meetings", __name__)


def _domain() -> str:
    return base_url().split("//", 1)[-1].split("/", 1)[0] or "pb.localhost"


def _ics(meetings, name: str, filename: str) -> Response:
    urls = {
        m.id: absolute_url("meetings.index", pot_id=m.pot_id) + f"#meeting-{m.id}" for m in meetings
    }
    body = services.calendar(meetings, urls, _domain(), name)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.app_template_global("local_time")
def local_time(moment):
    """A stored UTC time in the site's time zone, for showing."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/London"))
    return services._aware(moment).astimezone(zone)


@bp.route("/pots/<int:pot_id>/meetings")
@requires(public_pot)
def index(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    return render_template("meetings/index.html", pot=pot, meetings=services.meetings_of(pot))


@bp.route("/pots/<int:pot_id>/meetings.ics")
@requires(public_pot)
def feed(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    return _ics(services.meetings_of(pot), pot.name, f"pot-{pot.id}-meetings.ics")


@bp.route("/meetings/<int:meeting_id>.ics")
@requires(public)
def ics(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    if not sees_pot(current_user, meeting.pot):
        abort(404)
    return _ics([meeting], meeting.pot.name, f"meeting-{meeting.id}.ics")


@bp.route("/panel/pots/<int:pot_id>/meetings", methods=["GET", "POST"])
@requires(manage_pot)
def manage(pot_id: int):
    pot = get_or_404(Pot, pot_id)
    form = MeetingForm()
    if form.validate_on_submit():
        zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/London"))
        try:
            services.add_meeting(
                pot,
                current_user,
                kind=form.kind.data,
                place=form.place.data,
                address=form.address.data,
                starts_at=form.starts_at.data.replace(tzinfo=zone),
                ends_at=form.ends_at.data.replace(tzinfo=zone),
                accessibility=form.accessibility.data,
            )
        except services.MeetingError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(_("The meeting is added."), "success")
            return redirect(url_for("meetings.manage", pot_id=pot.id), code=303)
    page, status = render_form(
        "meetings/manage.html", form, pot=pot, meetings=services.meetings_of(pot)
    )
    return page, (422 if form.form_errors else status)


@bp.route("/panel/meetings/<int:meeting_id>/cancel", methods=["POST"])
@requires(signed_in)
def cancel(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    if not may_manage_pot(current_user, meeting.pot):
        abort(403)
    try:
        services.cancel_meeting(meeting, current_user)
    except services.MeetingError as exc:
        abort(409, description=str(exc))
    flash(_("The meeting is cancelled; calendars that follow the feed show it so."), "success")
    return redirect(url_for("meetings.manage", pot_id=meeting.pot_id), code=303)
