from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from pb.forms import MoneyField, use_currency
from pb.money import format_money
from pb.proposals.models import CATEGORIES


class ProposalForm(FlaskForm):
    title = StringField(
        "Project title",
        validators=[
            InputRequired("Enter a title for your project."),
            Length(min=5, max=120, message="The title must be 5 to 120 characters long."),
        ],
    )
    summary = TextAreaField(
        "Summary",
        description="One or two sentences shown in the list of projects.",
        validators=[
            InputRequired("Enter a short summary."),
            Length(min=10, max=300, message="The summary must be 10 to 300 characters long."),
        ],
    )
    description = TextAreaField(
        "Description",
        description="What you want to do, where, and who it helps.",
        validators=[
            InputRequired("Describe your project."),
            Length(min=20, max=5000, message="The description must be 20 to 5,000 characters."),
        ],
    )
    cost = MoneyField(
        "Estimated cost in {currency}",
        validators=[InputRequired("Enter what the project will cost.")],
    )
    category = SelectField(
        "Category",
        choices=[SelectChoice("", "Choose a category")]
        + [SelectChoice(key, label) for key, label in CATEGORIES.items()],
        validators=[InputRequired("Choose a category.")],
    )

    def __init__(self, pot, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pot = pot
        use_currency(self, pot.currency)

    def validate_cost(self, field):
        if field.data is None:
            return
        if field.data <= 0:
            raise ValidationError(
                f"The cost must be more than {format_money(0, self.pot.currency)}."
            )
        if field.data > self.pot.amount:
            raise ValidationError(
                "The cost cannot be more than the whole pot, "
                f"{format_money(self.pot.amount, self.pot.currency)}."
            )

    def validate_category(self, field):
        if field.data not in CATEGORIES:
            raise ValidationError("Choose a category from the list.")
