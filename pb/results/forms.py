"""Forms of the tally and publication pages (and the panel's confirmed phase steps)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, Length


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Reason for the correction",
        description="Published with the corrected results.",
        validators=[InputRequired("Give the reason for the correction."), Length(max=2000)],
    )


class ConfirmStepForm(FlaskForm):
    """A step that cannot be undone: the panel confirms it and gives a reason."""

    reason = TextAreaField(
        "Reason",
        description="Kept in the pot's audit log.",
        validators=[
            InputRequired("Give the reason."),
            Length(min=5, max=2000, message="Give the reason in 5 to 2,000 characters."),
        ],
    )
    confirm = BooleanField(
        "I understand this cannot be undone",
        validators=[InputRequired("Tick the box to confirm.")],
    )
