from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from pb.forms import MoneyField, use_currency
from pb.money import format_money
from pb.pots.models import BALLOT_METHODS, DEFAULT_ADD1_STEP, ELIGIBILITY_MODES, POT_SETTINGS, RULES


def _choices(mapping) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in mapping.items()]


class PotForm(FlaskForm):
    """A pot's set-up. Ballot rules are only editable until voting opens."""

    name = StringField(
        _l("Name"), validators=[InputRequired(_l("Give the pot a name.")), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    ward_id = SelectField(_l("Area"), coerce=str)
    amount = MoneyField(
        _l("Amount in {currency}"), validators=[InputRequired(_l("Enter the pot's amount."))]
    )
    year = IntegerField(
        _l("Year"), validators=[InputRequired(_l("Enter the year.")), NumberRange(2000, 2100)]
    )
    round_name = StringField(
        _l("Round"),
        description=(
            _l(
                "Pots of the council that run together, like “2026”: a resident votes "
                "in one ward's pot of a round (plus any council-wide pot). Leave empty "
                "for the year."
            )
        ),
        validators=[Optional(), Length(max=60)],
    )
    proposals_open_on = DateField(_l("Proposals open"), validators=[Optional()])
    review_starts_on = DateField(_l("Review starts"), validators=[Optional()])
    voting_opens_on = DateField(_l("Voting opens"), validators=[Optional()])
    voting_closes_on = DateField(_l("Voting closes"), validators=[Optional()])
    results_on = DateField(_l("Results published"), validators=[Optional()])

    ballot_method = RadioField(_l("Ballot"), choices=_choices(BALLOT_METHODS), default="approval")
    min_picks = IntegerField(
        _l("Fewest projects to choose or rank"),
        default=1,
        validators=[Optional(), NumberRange(1, 100, _l("Enter a number from 1 to 100."))],
    )
    max_picks = IntegerField(
        _l("Most projects to choose or rank"),
        description=_l("Leave empty for no limit (approval only)."),
        validators=[Optional(), NumberRange(1, 100, _l("Enter a number from 1 to 100."))],
    )
    spending_cap = MoneyField(
        _l("Spending cap in {currency} (approval)"),
        description=_l("Optional: the ticked projects together may cost at most this."),
        validators=[Optional()],
    )
    points_total = IntegerField(
        _l("Points to spread (points ballot)"),
        validators=[Optional(), NumberRange(1, 1000, _l("Enter a number from 1 to 1,000."))],
    )
    points_max = IntegerField(
        _l("Most points on one project (points ballot)"),
        validators=[Optional(), NumberRange(1, 1000, _l("Enter a number from 1 to 1,000."))],
    )
    rule = SelectField(_l("Counting rule"), choices=_choices(RULES), default="greedy")
    add1_step = MoneyField(
        _l("Add1 step in {currency} (Add1 rules)"),
        description=_l("Money added to each voter's share at each Add1 step. Usually one unit."),
        default=DEFAULT_ADD1_STEP,
    )
    eligibility_mode = RadioField(
        _l("Who may vote"), choices=_choices(ELIGIBILITY_MODES), default="open"
    )
    min_age = IntegerField(
        _l("Minimum age"),
        description=_l("Leave empty for no minimum."),
        validators=[Optional(), NumberRange(0, 120, _l("Enter an age from 0 to 120."))],
    )

    def __init__(
        self, wards, currency: str, *args, frozen: bool = False, council_wide: bool = True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        use_currency(self, currency)
        self.currency = currency
        # Only the areas the user may manage: a ward panel cannot move a pot out of its reach.
        self.ward_id.choices = (
            [SelectChoice("", _("Council-wide (every ward)"))] if council_wide else []
        ) + [SelectChoice(str(w.id), w.name) for w in wards]
        self.frozen = frozen

    def validate_amount(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(
                _(
                    "The amount must be more than %(money)s.",
                    money=format_money(0, self.currency),
                )
            )

    def validate_min_picks(self, field):
        if self.ballot_method.data in ("approval", "ranked") and field.data is None:
            raise ValidationError(_("Enter the fewest projects a voter must choose."))

    def validate_max_picks(self, field):
        method = self.ballot_method.data
        if method == "ranked" and field.data is None:
            raise ValidationError(_("Enter how many projects a voter may rank."))
        if field.data is not None and self.min_picks.data and field.data < self.min_picks.data:
            raise ValidationError(_("The most must be at least the fewest."))

    def validate_spending_cap(self, field):
        if field.data is None:
            return
        if self.ballot_method.data != "approval":
            raise ValidationError(_("A spending cap applies to approval ballots only."))
        if field.data <= 0:
            raise ValidationError(
                _(
                    "The spending cap must be more than %(money)s.",
                    money=format_money(0, self.currency),
                )
            )
        if self.amount.data and field.data > self.amount.data:
            raise ValidationError(
                _(
                    "The spending cap cannot be more than the pot, %(money)s.",
                    money=format_money(self.amount.data, self.currency),
                )
            )

    def validate_add1_step(self, field):
        if field.data is None:
            field.data = DEFAULT_ADD1_STEP
        elif field.data <= 0:
            raise ValidationError(
                _(
                    "The Add1 step must be more than %(money)s.",
                    money=format_money(0, self.currency),
                )
            )
        elif self.amount.data and field.data > self.amount.data:
            raise ValidationError(_("The Add1 step cannot be more than the pot."))

    def validate_points_total(self, field):
        if self.ballot_method.data == "points" and field.data is None:
            raise ValidationError(_("Enter how many points each voter spreads."))

    def validate_points_max(self, field):
        if (
            field.data is not None
            and self.points_total.data
            and field.data > self.points_total.data
        ):
            raise ValidationError(_("The most on one project cannot exceed the points to spread."))

    def validate_voting_closes_on(self, field):
        if field.data and self.voting_opens_on.data and field.data < self.voting_opens_on.data:
            raise ValidationError(_("Voting must close after it opens."))

    def settings(self) -> dict:
        """The form's values as Pot attributes."""
        data = {name: getattr(self, name).data for name in (*POT_SETTINGS, "round_name")}
        data["description"] = data["description"] or ""
        data["ward_id"] = int(self.ward_id.data) if self.ward_id.data else None
        if data["ballot_method"] == "points":
            data["min_picks"] = 1
        return data


class FeasibleForm(FlaskForm):
    cost = MoneyField(
        _l("Cost in {currency}"),
        description=_l("Change it if the panel's estimate differs."),
        validators=[InputRequired(_l("Enter the cost."))],
    )
    note = TextAreaField(
        _l("Reason for the new cost"),
        description=_l("Shown publicly when the cost changes."),
        id="feasible-note",  # the review page has two note boxes; ids must differ
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, currency: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_currency(self, currency)


class NotFeasibleForm(FlaskForm):
    note = TextAreaField(
        _l("Why it is not feasible"),
        description=_l("Shown publicly and sent to the proposer."),
        id="not-feasible-note",
        validators=[
            InputRequired(_l("Give the reason.")),
            Length(min=10, max=2000, message=_l("Give the reason in 10 to 2,000 characters.")),
        ],
    )


class MergeForm(FlaskForm):
    """Merging cannot be undone: no proposal is pre-selected, and the panel confirms."""

    into = SelectField(
        _l("Merge into"),
        coerce=str,
        description=_l(
            "The proposal this one duplicates. Its votes and page are kept; this "
            "proposal's page then points to it."
        ),
        validators=[InputRequired(_l("Choose the proposal to merge this one into."))],
    )
    confirm = BooleanField(
        _l("I understand that a merge cannot be undone"),
        validators=[InputRequired(_l("Tick the box to confirm the merge: it cannot be undone."))],
    )


class BallotKeyForm(FlaskForm):
    """How the pot's ballot key is held: one returning officer, or k of n trustees."""

    holders = IntegerField(
        _l("How many people hold the key"),
        default=1,
        description=_l("1 for a returning officer; more to split it between panel trustees."),
        validators=[InputRequired(_l("Enter how many hold the key.")), NumberRange(1, 20)],
    )
    threshold = IntegerField(
        _l("How many of them must meet to open the ballots"),
        default=1,
        validators=[InputRequired(_l("Enter how many must meet.")), NumberRange(1, 20)],
    )

    def validate_threshold(self, field):
        if self.holders.data and field.data and field.data > self.holders.data:
            raise ValidationError(_("That is more people than hold the key."))


class KeyCodesForm(FlaskForm):
    """The ballot key typed back in: one code, or one trustee's share per line."""

    codes = TextAreaField(
        _l("Ballot key"),
        description=_l("The key code, or one trustee's share on each line (like 2-ABCD-...)."),
        validators=[InputRequired(_l("Enter the ballot key.")), Length(max=4000)],
    )

    def code_list(self) -> list[str]:
        return [line for line in (self.codes.data or "").splitlines() if line.strip()]
