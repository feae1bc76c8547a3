"""Form pieces shared across areas."""

from datetime import date

from flask_babel import gettext as _
from wtforms import DateField, StringField
from wtforms.validators import ValidationError

from pb.councils.models import normalise_postcode
from pb.money import DEFAULT_CURRENCY, currency_name, format_money, parse_money


class PostcodeField(StringField):
    """A UK postcode, stored in its standard form ("sw1a1aa" -> "SW1A 1AA")."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = normalise_postcode(self.data) or self.data.strip()

    def pre_validate(self, form):
        if self.data and normalise_postcode(self.data) is None:
            raise ValidationError(_("Enter a real UK postcode, like SW1A 1AA."))


# The most any amount may be, in minor units: far above any council's budget, and far enough
# inside a BIGINT (9.2e18) that sums of many such amounts cannot overflow it either.
MAX_AMOUNT = 10**12


class MoneyField(StringField):
    """An amount typed in the pot's currency, held as integer minor units in `.data` (at most
    MAX_AMOUNT).

    The form sets `currency` (an ISO 4217 code) before validation; the text is parsed then,
    by pb.money, so the message names the right currency.
    """

    currency = DEFAULT_CURRENCY

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "" if self.data is None else format_money(self.data, self.currency, symbol=False)

    def pre_validate(self, form):
        raw = getattr(self, "raw", None)
        if raw is not None and raw.strip():
            try:
                self.data = parse_money(raw, self.currency)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            if self.data > MAX_AMOUNT:
                self.data = None
                most = format_money(MAX_AMOUNT, self.currency)
                raise ValidationError(_("Enter an amount of at most %(most)s.", most=most))


def use_currency(form, currency: str) -> None:
    """Give each MoneyField of `form` the pot's currency, and name it in the field's label
    (a label holds "{currency}" where the name goes: "Amount in {currency}")."""
    for field in form:
        if isinstance(field, MoneyField):
            field.currency = currency
            template = getattr(field, "label_template", None) or field.label.text
            field.label_template = template
            field.label.text = template.replace("{currency}", currency_name(currency))


class BirthDateField(DateField):
    """A date of birth: a real date in the past."""

    def pre_validate(self, form):
        if self.data is not None and not (date(1900, 1, 1) <= self.data <= date.today()):
            raise ValidationError(_("Enter your date of birth, which must be in the past."))
