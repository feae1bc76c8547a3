"""Form pieces shared across areas."""

from datetime import date

from wtforms import DateField, StringField
from wtforms.validators import ValidationError

from pb.councils.models import normalise_postcode
from pb.money import parse_pounds


class PostcodeField(StringField):
    """A UK postcode, stored in its standard form ("sw1a1aa" -> "SW1A 1AA")."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = normalise_postcode(self.data) or self.data.strip()

    def pre_validate(self, form):
        if self.data and normalise_postcode(self.data) is None:
            raise ValidationError("Enter a real UK postcode, like SW1A 1AA.")


# The most any amount may be, in minor units: far above any council's budget, and far enough
# inside a BIGINT (9.2e18) that sums of many such amounts cannot overflow it either.
MAX_AMOUNT = 10**12


class PoundsField(StringField):
    """An amount typed in pounds, held as integer pence in `.data`, at most MAX_AMOUNT."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        self.parse_error = None
        if self.raw.strip():
            try:
                self.data = parse_pounds(self.raw)
            except ValueError as exc:
                self.parse_error = str(exc)
            else:
                if self.data > MAX_AMOUNT:
                    self.data = None
                    self.parse_error = f"Enter an amount of at most {MAX_AMOUNT // 100:,} pounds."

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "" if self.data is None else f"{self.data / 100:.2f}".removesuffix(".00")

    def pre_validate(self, form):
        if getattr(self, "parse_error", None):
            raise ValidationError(self.parse_error)


class BirthDateField(DateField):
    """A date of birth: a real date in the past."""

    def pre_validate(self, form):
        if self.data is not None and not (date(1900, 1, 1) <= self.data <= date.today()):
            raise ValidationError("Enter your date of birth, which must be in the past.")
