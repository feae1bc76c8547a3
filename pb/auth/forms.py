from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from pb.forms import BirthDateField, PostcodeField

PASSWORD_RULES = [
    InputRequired("Enter a password."),
    Length(min=10, max=200, message="Use at least 10 characters for your password."),
]


class RegisterForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        validators=[
            InputRequired("Enter your e-mail address."),
            Email("Enter an e-mail address like name@example.com."),
            Length(max=254),
        ],
    )
    display_name = StringField(
        "Your name",
        description="Shown next to projects you propose.",
        validators=[InputRequired("Enter your name."), Length(max=80)],
    )
    postcode = PostcodeField(
        "Home postcode",
        description="This tells us which ward you live in.",
        validators=[InputRequired("Enter your home postcode.")],
    )
    date_of_birth = BirthDateField(
        "Date of birth",
        description="Some pots have a minimum voting age.",
        validators=[Optional()],
    )
    password = PasswordField("Password", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "Password again", validators=[EqualTo("password", "The two passwords do not match.")]
    )


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", validators=[InputRequired("Enter your e-mail address.")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        validators=[
            InputRequired("Enter your e-mail address."),
            Email("Enter an e-mail address like name@example.com."),
        ],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("password", "The two passwords do not match.")],
    )


class AccountForm(FlaskForm):
    display_name = StringField(
        "Your name", validators=[InputRequired("Enter your name."), Length(max=80)]
    )
    postcode = PostcodeField(
        "Home postcode", validators=[InputRequired("Enter your home postcode.")]
    )
    date_of_birth = BirthDateField("Date of birth", validators=[Optional()])
