"""Forms of the officers' paper voting pages."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from pb.forms import PostcodeField
from pb.paper.services import PaperVoter


class PaperVoterForm(FlaskForm):
    """Who has come to vote on paper: the fields the pot's eligibility mode asks for."""

    identifier = StringField(_l("Voter"), validators=[Optional(), Length(max=40)])
    name = StringField(_l("Full name"), validators=[Optional(), Length(max=120)])
    postcode = PostcodeField(_l("Postcode"), validators=[Optional()])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    not_the_match = BooleanField(
        _l(
            "I have checked: this is not the person who voted online with the same "
            "postcode and date of birth"
        )
    )

    def __init__(self, mode: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.mode == "open":
            for name, message in (
                ("name", _("Enter the voter's full name.")),
                ("postcode", _("Enter the voter's postcode.")),
                ("date_of_birth", _("Enter the voter's date of birth.")),
            ):
                field = getattr(self, name)
                if not field.data and not field.errors:
                    field.errors = [message]
                    ok = False
        elif not (self.identifier.data or "").strip():
            self.identifier.errors = [_("Enter who has voted.")]
            ok = False
        return ok

    def voter(self) -> PaperVoter:
        if self.mode == "open":
            return PaperVoter(
                name=self.name.data,
                postcode=self.postcode.data,
                date_of_birth=self.date_of_birth.data,
                not_the_match=bool(self.not_the_match.data),
            )
        if self.mode == "roll":
            return PaperVoter(reference=self.identifier.data)
        return PaperVoter(code=self.identifier.data)


class PaperBatchForm(FlaskForm):
    number = IntegerField(
        _l("Batch number"),
        validators=[InputRequired(_l("Enter the batch number.")), NumberRange(1, 100_000)],
    )
    ballots = TextAreaField(
        _l("Ballots, one per line"), validators=[InputRequired(_l("Type in the batch's ballots."))]
    )
    # Which hub session the bundle came from (pb.meetings), so officers can trace it.
    meeting_id = SelectField(
        _l("Community hub it came from"), coerce=str, default="", validate_choice=True
    )

    def __init__(self, meetings=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting_id.choices = [SelectChoice("", _("Not from a hub meeting"))] + [
            SelectChoice(str(m.id), m.label) for m in meetings
        ]

    def meeting(self) -> int | None:
        return int(self.meeting_id.data) if self.meeting_id.data else None
