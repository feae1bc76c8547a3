from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from pb.electorate.services import MAX_BATCH, normalise_code


def _strip(text):
    return text.strip() if isinstance(text, str) else text


class RollUploadForm(FlaskForm):
    file = FileField(
        "Voter roll (CSV file)",
        description="A header row naming the columns reference, postcode and date_of_birth "
        "(YYYY-MM-DD or DD/MM/YYYY), then one row per elector. Up to 5 MB.",
        validators=[FileRequired("Choose the CSV file of the voter roll.")],
    )


class ConfirmImportForm(FlaskForm):
    """Only the CSRF token: the file itself stays on the server."""


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a whole number, like 500.") from None


class GenerateCodesForm(FlaskForm):
    label = StringField(
        "Name of the batch",
        description="What the codes are for, e.g. “Letters to every household, March”.",
        filters=[_strip],
        validators=[
            DataRequired("Enter a name for the batch."),
            Length(max=120, message="The name must be at most 120 characters."),
        ],
    )
    count = WholeNumberField(
        "Number of codes",
        validators=[
            InputRequired("Enter how many codes to make."),
            NumberRange(min=1, max=MAX_BATCH, message=f"A batch holds 1 to {MAX_BATCH:,} codes."),
        ],
    )


class VoidCodeForm(FlaskForm):
    code = StringField(
        "Access code",
        description="As printed, like ABCD-EFGH-JKMN.",
        validators=[InputRequired("Enter the code to void.")],
    )
    reason = StringField(
        "Reason",
        filters=[_strip],
        description="Why the code must not be used, e.g. “letter returned undelivered”.",
        validators=[
            DataRequired("Enter why the code is being voided."),
            Length(max=200, message="The reason must be at most 200 characters."),
        ],
    )

    def validate_code(self, field):
        if normalise_code(field.data) is None:
            raise ValidationError("An access code has 12 letters and digits, like ABCD-EFGH-JKMN.")
