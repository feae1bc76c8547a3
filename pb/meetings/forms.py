"""The panel's form for a meeting."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from pb.meetings.models import KINDS


class MeetingForm(FlaskForm):
    kind = RadioField(
        _l("What happens"),
        choices=[SelectChoice(k, v) for k, v in KINDS.items()],
        validators=[InputRequired(_l("Choose what happens."))],
    )
    place = StringField(
        _l("Place (the hub)"),
        validators=[InputRequired(_l("Enter the place.")), Length(max=200)],
    )
    address = StringField(
        _l("Address"), validators=[InputRequired(_l("Enter the address.")), Length(max=300)]
    )
    starts_at = DateTimeLocalField(
        _l("Starts (UK time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter when it starts, like 2026-12-05 10:00."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ends (UK time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter when it ends."))],
    )
    accessibility = TextAreaField(
        _l("Accessibility: step-free access, hearing loop, interpreters, childcare"),
        validators=[Length(max=2000)],
    )
