from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, ValidationError

from pb.forms import BirthDateField, PostcodeField
from pb.voting.receipts import looks_like_receipt


class ReceiptCheckForm(FlaskForm):
    code = StringField(
        "Receipt code",
        description="The code you were shown when you voted, like ABCD-EFGH-... (32 letters "
        "and digits).",
        validators=[InputRequired("Enter your receipt code.")],
    )

    def validate_code(self, field):
        if not looks_like_receipt(field.data):
            raise ValidationError(
                "A receipt code has 32 letters and digits (2 to 7), in groups of four."
            )


class RollProofForm(FlaskForm):
    reference = StringField(
        "Elector reference",
        description="The reference number on your poll card.",
        validators=[InputRequired("Enter your elector reference."), Length(max=40)],
    )
    postcode = PostcodeField(
        "Postcode", validators=[InputRequired("Enter the postcode you are registered at.")]
    )
    date_of_birth = BirthDateField(
        "Date of birth", validators=[InputRequired("Enter your date of birth.")]
    )


class CodeProofForm(FlaskForm):
    code = StringField(
        "Access code",
        description="The code in your letter, like ABCD-EFGH-JKMN.",
        validators=[InputRequired("Enter your access code."), Length(max=40)],
    )
