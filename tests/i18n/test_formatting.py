"""Numbers, money and dates in the reader's locale; amounts typed with its separators."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from pb import i18n
from pb.money import format_money, parse_money


@pytest.mark.parametrize(
    ("locale", "number", "percent", "day"),
    [
        ("en_GB", "12,345", "42.5%", "1 December 2026"),
        ("cy", "12,345", "42.5%", "1 Rhagfyr 2026"),
        ("pl", "12\xa0345", "42,5%", "1 grudnia 2026"),
    ],
)
def test_numbers_percentages_and_dates_follow_the_locale(app, locale, number, percent, day):
    with force_locale(locale):
        assert i18n.number(12345) == number
        assert i18n.percent(42.5) == percent
        assert i18n.day(date(2026, 12, 1)) == day
        assert i18n.day(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) == day
    assert i18n.number(None) == i18n.percent(None) == i18n.day(None) == ""


@pytest.mark.parametrize(
    ("locale", "with_weekday"),
    [
        ("en_GB", "Saturday 5 December 2026 10:00"),
        ("cy", "Dydd Sadwrn 5 Rhagfyr 2026 10:00"),
        ("pl", "sobota 5 grudnia 2026 10:00"),
    ],
)
def test_meeting_times_name_the_day_in_the_reader_s_language(app, locale, with_weekday):
    start = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)  # London is on UTC in December
    with force_locale(locale):
        assert i18n.moment(start, weekday=True) == with_weekday
        assert i18n.moment(start) == with_weekday.split(" ", 1 if locale != "cy" else 2)[-1]
        assert i18n.clock(datetime(2026, 12, 5, 13, 30, tzinfo=UTC)) == "13:30"
    assert i18n.clock(None) == i18n.moment(None, weekday=True) == ""


def test_money_is_shown_in_the_pot_s_currency_and_the_reader_s_locale(app):
    with force_locale("pl"):
        assert format_money(123456, "PLN") == "1\xa0234,56\xa0zł"
        assert format_money(150000, "GBP") == "1\xa0500\xa0GBP"
        assert format_money(123456, "PLN", symbol=False) == "1\xa0234,56"
    with force_locale("cy"):
        assert format_money(123456, "GBP") == "£1,234.56"
    assert format_money(123456, "GBP") == "£1,234.56"  # outside a request: British English


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1 500,50", 150050),
        ("1\xa0500,50", 150050),
        ("1\u202f500,5", 150050),
        ("1500", 150000),
        ("1500,5 zł", 150050),
        ("12.50", 1250),  # a lone point is a decimal point to Polish readers too
        ("PLN 7", 700),
    ],
)
def test_polish_amounts_are_read_with_polish_separators(text, minor):
    assert parse_money(text, "PLN", "pl") == minor


@pytest.mark.parametrize(
    ("text", "minor"),
    [("1,500.50", 150050), ("£1,500", 150000), ("12.5", 1250), (" 3 ", 300)],
)
def test_british_amounts_are_read_with_british_separators(text, minor):
    assert parse_money(text, "GBP", "en_GB") == minor
    assert parse_money(text, "GBP", "cy") == minor


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("1.500", "pl"),  # 1500 to some, 1.5 to others: refused, never guessed
        ("1,500", "pl"),
        ("1,5", "en_GB"),
        ("1.234,50", "en_GB"),
        ("1,2,3", "en_GB"),
        ("12,34,56", "pl"),
        ("-5", "pl"),
        ("+5", "en_GB"),
        ("1e5", "en_GB"),
        ("NaN", "pl"),
        ("Infinity", "en_GB"),
        ("١٢٣", "en_GB"),  # Arabic-Indic digits are not read as these
        ("0x10", "en_GB"),
        ("9" * 60, "en_GB"),
        ("1,5,", "pl"),
        (",5", "pl"),
        ("\x00", "pl"),
        ("<script>", "pl"),
        ("", "pl"),
        ("   ", "en_GB"),
        ("zł", "pl"),
    ],
)
def test_hostile_or_ambiguous_amounts_are_refused_with_a_reason(text, locale):
    with pytest.raises(ValueError) as refused:
        parse_money(text, "PLN" if locale == "pl" else "GBP", locale)
    message = str(refused.value)
    # The value given is named (cut to 40 characters), or there was no amount at all.
    assert f"“{' '.join(text.split())[:40]}”" in message or message.startswith("Enter an amount")
    assert any(reason in message for reason in ("is not an amount in", "less than zero", "Enter"))


def test_the_refusal_is_in_the_reader_s_language(app):
    with (
        force_locale("pl"),
        pytest.raises(ValueError, match=r"„1\.500” nie jest kwotą w walucie: złote polskie"),
    ):
        parse_money("1.500", "PLN")
    with force_locale("cy"), pytest.raises(ValueError, match="Nid yw “abc” yn swm mewn"):
        parse_money("abc", "GBP")


def test_a_panel_types_a_polish_amount_into_a_form(client, login, world):
    from tests.factories import make_pot, make_proposal, make_user

    world.council.currency = "PLN"
    pot = make_pot(world.council, world.north, phase="review", amount=5_000_000)
    proposal = make_proposal(pot, cost=40_000, status="submitted")
    login(make_user(roles=[("panel", world.north.id)]))
    url = f"/panel/proposals/{proposal.id}/feasible?lang=pl"
    for junk in ("1.500", "12,345", "-3", "1e9", "٣"):
        response = client.post(url, data={"cost": junk, "note": "Wycena wykonawcy"})
        assert response.status_code == 422, junk
        assert "nie jest kwotą" in response.text or "mniej niż zero" in response.text
        assert proposal.cost == 40_000
    response = client.post(url, data={"cost": "1 500,50", "note": "Wycena wykonawcy"})
    assert response.status_code == 303
    assert proposal.cost == 150050


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("en_GB", "Oak fund is open for voting. This step is for a pot still being set up."),
        ("cy", "Mae Oak fund ar agor i bleidleisio. Mae'r cam hwn ar gyfer cronfa sy'n dal"),
        ("pl", "Pula Oak fund jest otwarta na głosowanie. Ten krok dotyczy puli, która jest"),
    ],
)
def test_a_step_out_of_turn_is_refused_in_whole_sentences(app, world, locale, said):
    from pb.pots.models import PhaseError
    from tests.factories import make_pot

    pot = make_pot(world.council, world.north, phase="voting", name="Oak fund")
    with force_locale(locale), pytest.raises(PhaseError) as refused:
        pot.open_proposals()
    assert str(refused.value).startswith(said)
    assert pot.phase == "voting"
