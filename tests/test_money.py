import pytest

from pb.money import (
    format_money,
    from_major,
    known_currency,
    major_text,
    minor_digits,
    parse_money,
)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("1500", "GBP", 150000),
        ("£1,500.00", "GBP", 150000),
        ("12.5", "GBP", 1250),
        (" 0.01 ", "GBP", 1),
        ("£ 3", "GBP", 300),
        ("1 500 zł", "PLN", 150000),
        ("PLN1,000,000", "PLN", 100_000_000),
        ("€12.34", "EUR", 1234),
        ("1,500", "JPY", 1500),
        ("1.5", "KWD", 1500),
    ],
)
def test_parse_money(text, currency, minor):
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("", "GBP"),
        ("abc", "GBP"),
        ("1.234", "GBP"),
        ("-5", "GBP"),
        ("1e3", "GBP"),
        ("1,5,0.0.0", "GBP"),
        ("NaN", "GBP"),
        ("1.5", "JPY"),
        ("0.0001", "KWD"),
    ],
)
def test_parse_money_refuses_what_is_not_money(text, currency):
    with pytest.raises(ValueError):
        parse_money(text, currency)


def test_parse_money_names_the_currency():
    with pytest.raises(ValueError, match="Polish zlotys"):
        parse_money("", "PLN")
    with pytest.raises(ValueError, match="euros"):
        parse_money("1.234", "EUR")


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (0, "GBP", "£0"),
        (150000, "GBP", "£1,500"),
        (1250, "GBP", "£12.50"),
        (-101, "GBP", "-£1.01"),
        (1, "GBP", "£0.01"),
        (100_000_000, "PLN", "PLN1,000,000"),
        (1250, "EUR", "€12.50"),
        (1500, "JPY", "JP¥1,500"),
        (1500, "KWD", "KWD1.500"),
    ],
)
def test_format_money(minor, currency, text):
    assert format_money(minor, currency) == text


def test_minor_units_come_from_iso_4217():
    assert [minor_digits(c) for c in ("GBP", "PLN", "EUR", "JPY", "KWD")] == [2, 2, 2, 0, 3]
    assert known_currency("PLN") and not known_currency("GBP (pence)")
    assert not known_currency("zł") and not known_currency("pln")


@pytest.mark.parametrize(
    ("text", "currency", "minor", "back"),
    [
        ("219780", "PLN", 21978000, "219780"),
        ("12.5", "EUR", 1250, "12.5"),
        ("12,50", "PLN", 1250, "12.5"),
        ("0", "PLN", 0, "0"),
        ("1500", "JPY", 1500, "1500"),
    ],
)
def test_major_units_for_files(text, currency, minor, back):
    assert from_major(text, currency) == minor
    assert major_text(minor, currency) == back


def test_major_units_refuse_fractions_of_the_minor_unit():
    with pytest.raises(ValueError, match="more decimals"):
        from_major("1.005", "GBP")
    with pytest.raises(ValueError, match="not an amount"):
        from_major("twelve", "GBP")
