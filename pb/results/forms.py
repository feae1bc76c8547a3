"""Forms of the tally and publication pages (and the panel's confirmed phase steps)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, Length


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the correction"),
        description=_l("Published with the corrected results."),
        validators=[InputRequired(_l("Give the reason for the correction.")), Length(max=2000)],
    )


class ConfirmStepForm(FlaskForm):
    """A step that cannot be undone: the panel confirms it and gives a reason."""

    reason = TextAreaField(
        _l("Reason"),
        description=_l("Kept in the pot's audit log."),
        validators=[
            InputRequired(_l("Give the reason.")),
            Length(min=5, max=2000, message=_l("Give the reason in 5 to 2,000 characters.")),
        ],
    )
    confirm = BooleanField(
        _l("I understand this cannot be undone"),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )
