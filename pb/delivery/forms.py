"""The panel's form for a dated delivery update on a funded project."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from pb.i18n import day
from pb.proposals.models import DELIVERY_STATUSES
from pb.timeutil import today

PROGRESS = _l("Enter the progress as a whole number from 0 to 100.")


def _strip(text):
    return text.strip() if isinstance(text, str) else text


class PercentField(IntegerField):
    """A whole percentage; left empty it is None, which a delivered project may be."""

    def process_formdata(self, valuelist):
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


class DeliveryUpdateForm(FlaskForm):
    """A dated update on a funded project: where it stands, how far along, and what happened."""

    status = RadioField(
        _l("Status"),
        choices=[SelectChoice(key, label) for key, label in DELIVERY_STATUSES.items()],
        invalid_choice_message=_l("Choose the project's status."),
    )
    progress = PercentField(
        _l("Progress in percent"),
        description=_l("From 0 to 100. A delivered project is at 100."),
        invalid_value_message=PROGRESS,
    )
    on = DateField(
        _l("Date of the update"),
        default=today,
        invalid_value_message=_l("Enter a real date, like 2026-05-31."),
        validators=[InputRequired(_l("Enter the date of the update."))],
    )
    text = TextAreaField(
        _l("What happened"),
        description=_l("Shown on the project's page, with the date."),
        filters=[_strip],
        validators=[
            DataRequired(_l("Say what happened.")),
            Length(max=2000, message=_l("Keep the update to 2,000 characters.")),
        ],
    )
    reason = TextAreaField(
        _l("Why it was cancelled"),
        description=_l("Only for a cancelled project; shown on its page."),
        filters=[_strip],
        validators=[Length(max=1000, message=_l("Keep the reason to 1,000 characters."))],
    )

    def __init__(self, *args, latest: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest = latest  # the date of the project's newest update, if any

    def validate_progress(self, field):
        if field.process_errors:
            return  # not a number: already said
        if field.data is None:
            if self.status.data != "delivered":  # delivered means 100, whatever was typed
                raise ValidationError(PROGRESS)
        elif not 0 <= field.data <= 100:
            raise ValidationError(PROGRESS)

    def validate_on(self, field):
        if field.data is None:
            return
        if field.data > today():
            raise ValidationError(_("The date cannot be in the future."))
        if self.latest is not None and field.data < self.latest:
            raise ValidationError(
                _(
                    "The date cannot be before the latest update, %(day)s.",
                    day=day(self.latest),
                )
            )

    def validate_reason(self, field):
        if self.status.data == "cancelled" and not field.data:
            raise ValidationError(_("Say why the project was cancelled."))
