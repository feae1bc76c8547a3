from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from pb.forms import MoneyField, use_currency
from pb.money import format_money
from pb.proposals.models import CATEGORIES


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Project title"),
        validators=[
            InputRequired(_l("Enter a title for your project.")),
            Length(min=5, max=120, message=_l("The title must be 5 to 120 characters long.")),
        ],
    )
    summary = TextAreaField(
        _l("Summary"),
        description=_l("One or two sentences shown in the list of projects."),
        validators=[
            InputRequired(_l("Enter a short summary.")),
            Length(min=10, max=300, message=_l("The summary must be 10 to 300 characters long.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("What you want to do, where, and who it helps."),
        validators=[
            InputRequired(_l("Describe your project.")),
            Length(min=20, max=5000, message=_l("The description must be 20 to 5,000 characters.")),
        ],
    )
    cost = MoneyField(
        _l("Estimated cost in {currency}"),
        validators=[InputRequired(_l("Enter what the project will cost."))],
    )
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice("", _l("Choose a category"))]
        + [SelectChoice(key, label) for key, label in CATEGORIES.items()],
        validators=[InputRequired(_l("Choose a category."))],
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
                _(
                    "The cost must be more than %(money)s.",
                    money=format_money(0, self.pot.currency),
                )
            )
        if field.data > self.pot.amount:
            raise ValidationError(
                _(
                    "The cost cannot be more than the whole pot, %(money)s.",
                    money=format_money(self.pot.amount, self.pot.currency),
                )
            )

    def validate_category(self, field):
        if field.data not in CATEGORIES:
            raise ValidationError(_("Choose a category from the list."))
