from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from pb.money import format_pence
from pb.voting.receipts import looks_like_receipt
from pb.voting.services import BallotError, check_approval


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApprovalBallotForm(FlaskForm):
    """Tick the projects you support. Checked against the pot's rules on every submit."""

    choices = CheckboxListField("Projects", coerce=int, validate_choice=False)
    nonce = HiddenField()

    def __init__(self, pot, proposals, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pot = pot
        self.choices.choices = [
            SelectChoice(p.id, f"{p.title} ({format_pence(p.cost)})") for p in proposals
        ]

    def validate_choices(self, field):
        try:
            field.data = check_approval(self.pot, field.data or [])
        except BallotError as exc:
            raise ValidationError(str(exc)) from None


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
