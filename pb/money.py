"""Money is an integer number of pence: parsing what people type and showing it back."""

import re
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


def parse_pounds(text: str) -> int:
    """Turn "£1,234.50" or "1234.5" into pence; raise ValueError with a readable reason."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "").removeprefix("£")
    if not cleaned:
        raise ValueError("Enter an amount in pounds, like 1500 or 1,500.00.")
    if not _AMOUNT.match(cleaned):
        raise ValueError("Enter an amount in pounds and pence, like 1500 or 1,500.00.")
    try:
        pence = Decimal(cleaned) * 100
    except InvalidOperation:  # pragma: no cover - the pattern above rules it out
        raise ValueError("Enter an amount in pounds, like 1500.") from None
    return int(pence)


# Prefix and suffix for each currency a council can keep its books in.
CURRENCIES = {"GBP": ("£", ""), "EUR": ("€", ""), "PLN": ("", " zł")}


def format_pence(pence: int | None, *, symbol: bool = True, currency: str = "GBP") -> str:
    """Show minor units as money: 1234550 -> "£12,345.50", whole amounts without ".00"."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(int(pence)), 100)
    text = f"{pounds:,}" if rest == 0 else f"{pounds:,}.{rest:02d}"
    prefix, suffix = CURRENCIES.get(currency, ("", f" {currency}")) if symbol else ("", "")
    return f"{sign}{prefix}{text}{suffix}"
