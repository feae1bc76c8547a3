"""Forms for supports, comments, follows, notification choices and the panel's moderation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from pb.conversation.comments import MAX_LENGTH, REASON_LENGTH
from pb.conversation.supports import MAX_NUMBER
from pb.input import parse_id
from pb.pots.models import SUPPORTS_RULES

NOTIFY_LABELS = {
    "instant": _l("Each time something happens"),
    "weekly": _l("A weekly digest"),
    "none": _l("No e-mails"),
}


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            InputRequired(_l("Write your comment.")),
            Length(max=MAX_LENGTH, message=_l("Keep your comment to 2000 characters.")),
        ],
    )
    parent_id = HiddenField()
    update_id = HiddenField()

    def parent(self) -> int | None:
        return parse_id(self.parent_id.data) if self.parent_id.data else None

    def update(self) -> int | None:
        return parse_id(self.update_id.data) if self.update_id.data else None


class EditCommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            InputRequired(_l("Write your comment.")),
            Length(max=MAX_LENGTH, message=_l("Keep your comment to 2000 characters.")),
        ],
    )


class HideCommentForm(FlaskForm):
    reason = StringField(
        _l("Reason, shown in place of the comment"),
        validators=[
            InputRequired(_l("Give the reason; it is shown in place of the comment.")),
            Length(max=REASON_LENGTH, message=_l("Keep the reason to 500 characters.")),
        ],
    )


class NotifyForm(FlaskForm):
    notify = RadioField(
        _l("E-mails about what you follow"),
        choices=[SelectChoice(k, v) for k, v in NOTIFY_LABELS.items()],
        validators=[InputRequired(_l("Choose how you would like to hear."))],
    )


class SupportsRuleForm(FlaskForm):
    rule = RadioField(
        _l("How proposals go forward to the review"),
        choices=[
            SelectChoice("", _l("No supports phase")),
            *(SelectChoice(k, v) for k, v in SUPPORTS_RULES.items()),
        ],
        validators=[Optional()],
    )
    number = IntegerField(
        _l("Number (N most supported per category, or at least K supports)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_NUMBER, message=_l("Enter a whole number from 1 to 10000.")),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        # Not a validate_number method: Optional() ends the field's chain before it would run.
        ok = super().validate(extra_validators)
        if ok and self.rule.data and self.number.data is None:
            self.number.errors = [_l("Enter the number for the rule.")]
            return False
        return ok
