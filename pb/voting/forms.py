from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, ValidationError

from pb.forms import BirthDateField, PostcodeField
from pb.voting.receipts import looks_like_receipt


class ReceiptCheckForm(FlaskForm):
    code = StringField(
        _l("Receipt code"),
        description=_l(
            "The code you were shown when you voted, like ABCD-EFGH-... (32 letters and digits)."
        ),
        validators=[InputRequired(_l("Enter your receipt code."))],
    )

    def validate_code(self, field):
        if not looks_like_receipt(field.data):
            raise ValidationError(
                _("A receipt code has 32 letters and digits (2 to 7), in groups of four.")
            )


class RollProofForm(FlaskForm):
    reference = StringField(
        _l("Elector reference"),
        description=_l("The reference number on your poll card."),
        validators=[InputRequired(_l("Enter your elector reference.")), Length(max=40)],
    )
    postcode = PostcodeField(
        _l("Postcode"), validators=[InputRequired(_l("Enter the postcode you are registered at."))]
    )
    date_of_birth = BirthDateField(
        _l("Date of birth"), validators=[InputRequired(_l("Enter your date of birth."))]
    )


class CodeProofForm(FlaskForm):
    code = StringField(
        _l("Access code"),
        description=_l("The code in your letter, like ABCD-EFGH-JKMN."),
        validators=[InputRequired(_l("Enter your access code.")), Length(max=40)],
    )
