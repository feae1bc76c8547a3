from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from pb.electorate.services import MAX_BATCH, normalise_code
from pb.i18n import number


def _strip(text):
    return text.strip() if isinstance(text, str) else text


class RollUploadForm(FlaskForm):
    file = FileField(
        _l("Voter roll (CSV file)"),
        description=_l(
            "A header row naming the columns reference, postcode and date_of_birth "
            "(YYYY-MM-DD or DD/MM/YYYY), then one row per elector. Up to 5 MB."
        ),
        validators=[FileRequired(_l("Choose the CSV file of the voter roll."))],
    )


class ConfirmImportForm(FlaskForm):
    """Only the CSRF token: the file itself stays on the server."""


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Enter a whole number, like 500.")) from None


class GenerateCodesForm(FlaskForm):
    label = StringField(
        _l("Name of the batch"),
        description=_l("What the codes are for, e.g. “Letters to every household, March”."),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter a name for the batch.")),
            Length(max=120, message=_l("The name must be at most 120 characters.")),
        ],
    )
    count = WholeNumberField(
        _l("Number of codes"),
        validators=[
            InputRequired(_l("Enter how many codes to make.")),
            NumberRange(
                min=1,
                max=MAX_BATCH,
                message=_l("A batch holds 1 to %(MAX_BATCH)s codes.", MAX_BATCH=number(MAX_BATCH)),
            ),
        ],
    )


class VoidCodeForm(FlaskForm):
    code = StringField(
        _l("Access code"),
        description=_l("As printed, like ABCD-EFGH-JKMN."),
        validators=[InputRequired(_l("Enter the code to void."))],
    )
    reason = StringField(
        _l("Reason"),
        filters=[_strip],
        description=_l("Why the code must not be used, e.g. “letter returned undelivered”."),
        validators=[
            DataRequired(_l("Enter why the code is being voided.")),
            Length(max=200, message=_l("The reason must be at most 200 characters.")),
        ],
    )

    def validate_code(self, field):
        if normalise_code(field.data) is None:
            raise ValidationError(
                _("An access code has 12 letters and digits, like ABCD-EFGH-JKMN.")
            )
