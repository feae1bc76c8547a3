import pytest

from pb.money import format_pence, parse_pounds


@pytest.mark.parametrize(
    ("text", "pence"),
    [("1500", 150000), ("£1,500.00", 150000), ("12.5", 1250), (" 0.01 ", 1), ("£ 3", 300)],
)
def test_parse_pounds(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-5", "1e3", "1,5,0.0.0", "NaN"])
def test_parse_pounds_refuses_what_is_not_money(text):
    with pytest.raises(ValueError):
        parse_pounds(text)


@pytest.mark.parametrize(
    ("pence", "text"),
    [(0, "£0"), (150000, "£1,500"), (1250, "£12.50"), (-101, "-£1.01"), (1, "£0.01")],
)
def test_format_pence(pence, text):
    assert format_pence(pence) == text
