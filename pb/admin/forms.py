"""The council admin's forms: give a role, sign an account out everywhere."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from pb.auth.models import ROLES
from pb.auth.services import find_user_by_email


class GrantForm(FlaskForm):
    email = EmailField(
        _l("E-mail of the account"), validators=[InputRequired(_l("Enter an e-mail."))]
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(k, v) for k, v in ROLES.items()])
    ward_id = SelectField(_l("Ward (panel members)"), coerce=str)
    pot_id = SelectField(_l("Pot (officers)"), coerce=str)

    def __init__(self, wards, pots, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward_id.choices = [SelectChoice("", _("Every ward"))] + [
            SelectChoice(str(w.id), w.name) for w in wards
        ]
        self.pot_id.choices = [SelectChoice("", _("Every pot"))] + [
            SelectChoice(str(p.id), p.name) for p in pots
        ]

    def validate_email(self, field):
        self.user = find_user_by_email(field.data or "")
        if self.user is None:
            raise ValidationError(
                _("No account has this e-mail. Ask the person to register first.")
            )

    def chosen(self, name: str) -> int | None:
        value = getattr(self, name).data
        return int(value) if value else None


class SignOutForm(FlaskForm):
    email = EmailField(
        _l("E-mail of the account"), validators=[InputRequired(_l("Enter the account's e-mail."))]
    )

    def validate_email(self, field):
        self.user = find_user_by_email(field.data or "")
        if self.user is None:
            raise ValidationError(_("No account has this e-mail."))
