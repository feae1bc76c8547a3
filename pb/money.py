"""Money: integer minor units of an ISO 4217 currency, parsed from what people type and shown.

The one place that knows a currency's minor unit (Babel's CLDR data: 2 digits for GBP, PLN
and EUR, 0 for JPY, 3 for KWD), the one formatter and the one parser. Every page, form,
message, mail, CSV, API field and export goes through these functions, with the currency of
the pot (its council's) passed in, so a złoty pot never shows pounds.

Formatting and parsing follow the reader's locale (pb.i18n.current_locale: the request's, or
the recipient's while a mail is written; British English elsewhere), so "£1,234.50" reads
"1234,50 zł" to a Polish reader of a złoty pot and "1 234,50" may be typed back.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_currency_name,
    get_currency_precision,
    get_decimal_symbol,
    get_group_symbol,
    is_currency,
    parse_decimal,
)
from flask_babel import gettext as _

from pb.i18n import current_locale

DEFAULT_CURRENCY = "GBP"
# Longer than any amount anyone types (10^12 with grouping and decimals is 20 characters).
_LONGEST = 40
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def known_currency(code: str | None) -> bool:
    """True for an ISO 4217 code Babel knows (upper case, three letters)."""
    return code is not None and len(code) == 3 and code.isupper() and is_currency(code)


def minor_digits(currency: str) -> int:
    """How many decimal digits the currency's minor unit has (GBP 2, JPY 0, KWD 3)."""
    return int(get_currency_precision(currency))


def minor_per_major(currency: str) -> int:
    """Minor units in one major unit: 100 for pence in a pound, 1 for yen."""
    return 10 ** minor_digits(currency)


def currency_name(currency: str, locale: str | None = None) -> str:
    """The currency's name in the reader's language, plural: "British pounds", "Polish zlotys"."""
    return str(get_currency_name(currency, count=2, locale=locale or current_locale()))


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


def format_money(
    minor: int | None, currency: str, *, symbol: bool = True, locale: str | None = None
) -> str:
    """Show minor units as money: 1234550 GBP -> "£12,345.50"; whole amounts without ".00".

    In the reader's locale (Polish: "12 345,50 GBP"). ``symbol=False`` gives the bare number
    ("12,345.50"), for form fields.
    """
    locale = locale or current_locale()
    if minor is None:
        return ""
    amount = to_major(int(minor), currency)
    whole = amount == amount.to_integral_value()
    digits = minor_digits(currency)
    if not symbol:
        number = "#,##0" if whole or digits == 0 else "#,##0." + "0" * digits
        return format_currency(amount, currency, number, locale=locale, currency_digits=False)
    # The locale's own pattern (where the symbol goes, its spacing), with whole amounts shown
    # without their ".00" and others with exactly the currency's digits.
    from babel import Locale

    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    head, _sep, tail = pattern.partition(".")
    if whole or digits == 0:
        pattern = head + "".join(c for c in tail if c not in "0#")
    else:
        pattern = head + "." + "0" * digits + "".join(c for c in tail if c not in "0#")
    return format_currency(amount, currency, pattern, locale=locale, currency_digits=False)


def parse_money(text: str | None, currency: str, locale: str | None = None) -> int:
    """Turn what someone typed ("£1,234.50", "1234.5", "1 500,50 zł") into minor units.

    The reader's locale decides the separators (Babel's parse_decimal, strict, so "1,5" in
    British English or "1.234,5" is refused rather than guessed); spaces only ever group.
    Where the locale's decimal mark is a comma, a lone "." with no more decimals than the
    currency has is read as the decimal mark too ("12.50" zł), as Polish residents also write.
    Raises ValueError with a reason that names the currency and gives an example.
    """
    locale = locale or current_locale()
    example = format_money(
        150_000 * minor_per_major(currency) // 100, currency, symbol=False, locale=locale
    )
    name = currency_name(currency, locale)
    digits = minor_digits(currency)
    unit = _("a whole number") if digits == 0 else _("at most %(digits)s decimals", digits=digits)
    given = " ".join((text or "").split())[:40]
    refused = ValueError(
        _(
            "“%(given)s” is not an amount in %(name)s: enter %(unit)s, like %(example)s.",
            given=given,
            name=name,
            unit=unit,
            example=example,
        )
    )
    cleaned = (text or "").strip()
    if len(cleaned) > _LONGEST:
        raise refused
    marks = {format_money(0, currency, locale=locale).replace("0", ""), currency}
    for mark in sorted(marks | {"£", "€", "zł", "$"}, key=len, reverse=True):
        if mark.strip():
            cleaned = cleaned.replace(mark.strip(), "")
    cleaned = _SPACES.sub("", cleaned)
    if not cleaned:
        raise ValueError(
            _("Enter an amount in %(name)s, like %(example)s.", name=name, example=example)
        )
    decimal = get_decimal_symbol(locale)
    group = get_group_symbol(locale)
    if _SPACES.fullmatch(group):
        group = ""  # removed above
        if decimal == "," and "," not in cleaned and cleaned.count(".") == 1:
            cleaned = cleaned.replace(".", ",")
    allowed = set("0123456789") | set(decimal) | set(group)
    if cleaned.startswith("-") and cleaned[1:] and set(cleaned[1:]) <= allowed:
        raise ValueError(
            _(
                "“%(given)s” is less than zero: enter an amount like %(example)s.",
                given=given,
                example=example,
            )
        )
    if not set(cleaned) <= allowed or not cleaned[0].isdigit():
        raise refused
    # "1.500" zł or "1,500" is 1500 to some and 1.5 to others: more decimal digits than the
    # currency has (zeros too) is refused, never guessed.
    if decimal in cleaned and len(cleaned.rpartition(decimal)[2]) > digits:
        raise refused
    try:
        amount = parse_decimal(cleaned, locale=locale, strict=True)
    except NumberFormatError:
        raise refused from None
    if not amount.is_finite() or amount < 0:
        raise refused
    minor = amount.scaleb(digits)
    if minor != minor.to_integral_value():
        raise refused
    return int(minor)


def minor_from_json(value) -> int:
    """Money from a tally outcome (an int, or an exact decimal or fraction string) as whole
    minor units, rounded down; None counts as 0."""
    return int(Fraction(value)) if value is not None else 0
