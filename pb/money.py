"""Money: integer minor units of an ISO 4217 currency, parsed from what people type and shown.

The one place that knows a currency's minor unit (Babel's CLDR data: 2 digits for GBP, PLN
and EUR, 0 for JPY, 3 for KWD), the one formatter and the one parser. Every page, form,
message, mail, CSV, API field and export goes through these functions, with the currency of
the pot (its council's) passed in, so a złoty pot never shows pounds.

Formatting uses one locale, :data:`LOCALE`, until the interface is translated (then the
reader's locale replaces it here and nowhere else).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from babel.numbers import format_currency, get_currency_name, get_currency_precision, is_currency
from flask_babel import gettext as _

LOCALE = "en_GB"
DEFAULT_CURRENCY = "GBP"
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


def known_currency(code: str | None) -> bool:
    """True for an ISO 4217 code Babel knows (upper case, three letters)."""
    return bool(code) and len(code) == 3 and code.isupper() and is_currency(code)


def minor_digits(currency: str) -> int:
    """How many decimal digits the currency's minor unit has (GBP 2, JPY 0, KWD 3)."""
    return int(get_currency_precision(currency))


def minor_per_major(currency: str) -> int:
    """Minor units in one major unit: 100 for pence in a pound, 1 for yen."""
    return 10 ** minor_digits(currency)


def currency_name(currency: str) -> str:
    """The currency's English name, plural: "British pounds", "Polish zlotys"."""
    return str(get_currency_name(currency, count=2, locale=LOCALE))


def to_major(minor: int, currency: str) -> Decimal:
    """Minor units as an exact decimal amount of major units: 1250 GBP -> Decimal("12.50")."""
    digits = minor_digits(currency)
    return Decimal(int(minor)).scaleb(-digits)


def major_text(minor: int, currency: str) -> str:
    """Minor units as major units for files (pabulib): "219780", "12.5", no grouping."""
    amount = to_major(minor, currency)
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.normalize(), "f")


def from_major(text: str, currency: str) -> int:
    """A major-unit amount from a file ("219780", "12.5", "12,50") as minor units.

    Raises ValueError when it is not a number or has more decimals than the currency has.
    """
    cleaned = (text or "").strip().replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("%(text)s is not an amount of money", text=repr(text))) from None
    if not amount.is_finite():
        raise ValueError(_("%(text)s is not an amount of money", text=repr(text)))
    minor = amount.scaleb(minor_digits(currency))
    if minor != minor.to_integral_value():
        raise ValueError(
            _(
                "%(text)s has more decimals than %(currency)s has (%(minor_digits)s)",
                text=repr(text),
                currency=currency,
                minor_digits=minor_digits(currency),
            )
        )
    return int(minor)


def format_money(minor: int | None, currency: str, *, symbol: bool = True) -> str:
    """Show minor units as money: 1234550 GBP -> "£12,345.50"; whole amounts without ".00".

    ``symbol=False`` gives the bare number ("12,345.50"), for form fields.
    """
    if minor is None:
        return ""
    amount = to_major(int(minor), currency)
    whole = amount == amount.to_integral_value()
    digits = minor_digits(currency)
    number = "#,##0" if whole or digits == 0 else "#,##0." + "0" * digits
    pattern = ("¤" if symbol else "") + number
    return format_currency(amount, currency, pattern, locale=LOCALE, currency_digits=False)


def parse_money(text: str | None, currency: str) -> int:
    """Turn what someone typed ("£1,234.50", "1234.5", "1 500 zł") into minor units.

    Raises ValueError with a reason that names the currency and gives an example.
    """
    example = format_money(150_000 * minor_per_major(currency) // 100, currency, symbol=False)
    cleaned = (text or "").strip()
    for mark in (format_money(0, currency).replace("0", ""), currency, "£", "€", "zł", "$"):
        cleaned = cleaned.replace(mark, "")
    cleaned = re.sub(r"[\s,\u00a0\u202f]", "", cleaned)
    name = currency_name(currency)
    if not cleaned:
        raise ValueError(
            _("Enter an amount in %(name)s, like %(example)s.", name=name, example=example)
        )
    digits = minor_digits(currency)
    if not _AMOUNT.match(cleaned) or len(cleaned.partition(".")[2]) > digits:
        unit = "a whole number" if digits == 0 else f"at most {digits} decimals"
        raise ValueError(
            _(
                "Enter an amount in %(name)s (%(unit)s), like %(example)s.",
                name=name,
                unit=unit,
                example=example,
            )
        )
    return from_major(cleaned, currency)


def minor_from_json(value) -> int:
    """Money from a tally outcome (an int, or an exact decimal or fraction string) as whole
    minor units, rounded down; None counts as 0."""
    return int(Fraction(value)) if value is not None else 0
