"""Forms of the community asset register."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from pb.assets.models import KIND_LABELS, AssetKind
from pb.places.points import PlaceProblem, parse_point, postcode_place

COORDINATE_HINT = _l(
    "Decimal degrees, like 52.0412 and -1.0205. With JavaScript on, you can pick the place on "
    "the map instead."
)


class AssetForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Enter the name of the place or group.")),
            Length(min=3, max=200, message=_l("The name must be 3 to 200 characters long.")),
        ],
    )
    kind = SelectField(
        _l("What kind of asset it is"),
        choices=[SelectChoice("", _l("Choose a kind"))]
        + [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired(_l("Choose what kind of asset it is."))],
    )
    offers = TextAreaField(
        _l("What it offers"),
        description=_l("For example: a hall for 60 people free to community groups on weekdays."),
        validators=[
            InputRequired(_l("Say what it offers the community.")),
            Length(min=10, max=2000, message=_l("Say what it offers in 10 to 2,000 characters.")),
        ],
    )
    address = StringField(
        _l("Address (optional)"),
        validators=[Optional(), Length(max=300, message=_l("Keep the address to 300 characters."))],
    )
    latitude = StringField(_l("Latitude"), description=COORDINATE_HINT)
    longitude = StringField(_l("Longitude"))
    place_postcode = StringField(
        _l("Or its postcode"),
        description=_l("Used when you give no latitude and longitude."),
    )
    contact = StringField(
        _l("Contact"),
        description=_l("An e-mail address, phone number or web page. It is shown publicly."),
        validators=[
            InputRequired(_l("Say how people can get in touch.")),
            Length(max=300, message=_l("Keep the contact to 300 characters.")),
        ],
    )
    opening = TextAreaField(
        _l("Opening times and notes (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Keep the notes to 2,000 characters.")),
        ],
    )

    def __init__(self, council, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        self.place = None

    def validate_kind(self, field):
        if field.data not in {k.value for k in AssetKind}:
            raise ValidationError(_l("Choose a kind from the list."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        try:
            self.place = parse_point(self.latitude.data, self.longitude.data)
            if self.place is None:
                if not (self.place_postcode.data or "").strip():
                    raise PlaceProblem(
                        "latitude",
                        str(_l("Give the place: its latitude and longitude, or its postcode.")),
                    )
                self.place = postcode_place(self.council, self.place_postcode.data)
        except PlaceProblem as exc:
            getattr(self, exc.field).errors.append(str(exc))
            return False
        return ok

    def fields(self) -> dict:
        return {
            name: (getattr(self, name).data or "").strip()
            for name in ("name", "kind", "offers", "address", "contact", "opening")
        }


class ReviewAssetForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approve", _l("Approve: add it to the register")),
            SelectChoice("reject", _l("Reject")),
        ],
        validators=[InputRequired(_l("Choose to approve or reject the entry."))],
        validate_choice=True,
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Needed when you reject: the proposer sees it."),
        validators=[Length(max=2000, message=_l("Keep the reason to 2,000 characters."))],
    )

    def validate_decision(self, field):
        if field.raw_data and len(field.raw_data) > 1:
            raise ValidationError(_l("Choose one decision: approve or reject."))

    def validate_reason(self, field):
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason the entry is not accepted."))
