from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from pb.forms import BirthDateField, PostcodeField

PASSWORD_RULES = [
    InputRequired(_l("Enter a password.")),
    Length(min=10, max=200, message=_l("Use at least 10 characters for your password.")),
]


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.com.")),
            Length(max=254),
        ],
    )
    display_name = StringField(
        _l("Your name"),
        description=_l("Shown next to projects you propose."),
        validators=[InputRequired(_l("Enter your name.")), Length(max=80)],
    )
    postcode = PostcodeField(
        _l("Home postcode"),
        description=_l("This tells us which ward you live in."),
        validators=[InputRequired(_l("Enter your home postcode."))],
    )
    date_of_birth = BirthDateField(
        _l("Date of birth"),
        description=_l("Some pots have a minimum voting age."),
        validators=[Optional()],
    )
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", _l("The two passwords do not match."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[InputRequired(_l("Enter your e-mail address."))]
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.com.")),
        ],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", _l("The two passwords do not match."))],
    )


class AccountForm(FlaskForm):
    display_name = StringField(
        _l("Your name"), validators=[InputRequired(_l("Enter your name.")), Length(max=80)]
    )
    postcode = PostcodeField(
        _l("Home postcode"), validators=[InputRequired(_l("Enter your home postcode."))]
    )
    date_of_birth = BirthDateField(_l("Date of birth"), validators=[Optional()])
