from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from pb.forms import MoneyField, use_currency
from pb.money import format_money
from pb.proposals.models import CATEGORIES
from pb.proposals.places import PlaceProblem, check_place
from pb.proposals.services import EDITABLE_FIELDS


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

    latitude = StringField(
        _l("Latitude (optional)"),
        description=_l(
            "Where the project would happen, in decimal degrees, like 52.0412 and -1.0205. "
            "With JavaScript on, you can pick the place on the map instead."
        ),
    )
    longitude = StringField(_l("Longitude (optional)"))
    place_postcode = StringField(
        _l("Or the postcode where it would happen (optional)"),
        description=_l("Used when you give no latitude and longitude."),
    )
    asset = SelectField(
        _l("A community asset it would use (optional)"), choices=[], validate_choice=False
    )

    def __init__(self, pot, *args, assets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pot = pot
        self.place = None
        use_currency(self, pot.currency)
        self.assets = {str(a.id): a for a in assets}
        self.asset.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(key, a.name) for key, a in self.assets.items()
        ]
        if not self.is_submitted() and kwargs.get("obj") is not None:
            self.asset.data = str(kwargs["obj"].asset_id or "")
            if kwargs["obj"].latitude is not None:
                self.latitude.data = f"{kwargs['obj'].latitude:.6f}"
                self.longitude.data = f"{kwargs['obj'].longitude:.6f}"

    def validate_asset(self, field):
        if field.data and field.data not in self.assets:
            raise ValidationError(_l("Choose an asset from the list."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        try:
            self.place = check_place(
                self.pot, self.latitude.data, self.longitude.data, self.place_postcode.data
            )
        except PlaceProblem as exc:
            getattr(self, exc.field).errors.append(str(exc))
            return False
        return ok

    def fields(self) -> dict:
        """What the services store: the proposal's own fields, its place and its asset."""
        fields = {name: getattr(self, name).data for name in EDITABLE_FIELDS if hasattr(self, name)}
        place = self.place.place if self.place else None
        fields["latitude"] = place.latitude if place else None
        fields["longitude"] = place.longitude if place else None
        fields["asset_id"] = int(self.asset.data) if self.asset.data else None
        if self.place and self.place.ward is not None:
            fields["ward_id"] = self.place.ward.id
        return fields

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
