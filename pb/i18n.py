"""Languages: which the site offers, which one a reader gets, and its numbers and dates.

A language is offered when it has a catalog (a folder under pb/translations, or under a folder
named in PB_TRANSLATIONS) and the council has not left it out (Council.languages). The reader's
language is, first to last: `?lang=` on this request (what hreflang alternates link to), the one
chosen with the language link (kept in the session and on the account), the best match for the
browser's Accept-Language, the council's default. Writing direction comes from Babel's CLDR data
(Locale.character_order), so a right-to-left language needs nothing but its catalog.

Numbers, percentages and dates on pages, mail and messages go through the formatters here (and
money through pb.money), all in the reader's locale; outside a request they use British English.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from flask import current_app, has_request_context, request, session

SOURCE_LOCALE = "en_GB"
SESSION_KEY = "pb_locale"
PACKAGE_TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def translation_folders() -> list[Path]:
    """Every folder that holds catalogs, the app's own first."""
    configured = current_app.config.get("BABEL_TRANSLATION_DIRECTORIES") or ""
    return [Path(part) for part in configured.split(";") if part.strip()]


def catalog_locales() -> list[str]:
    """Locales with a catalog (plus British English, the source language), in a stable order."""
    found = {SOURCE_LOCALE}
    for folder in translation_folders():
        if folder.is_dir():
            for child in folder.iterdir():
                if (child / "LC_MESSAGES" / "messages.po").exists() and _known(child.name):
                    found.add(child.name)
    return sorted(found, key=lambda code: (code != SOURCE_LOCALE, code))


def _known(code: str) -> bool:
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return True


# The council's choice, read at most every CACHE_SECONDS per process: every page needs it, and
# the ballot's path counts its queries. Saving the choice forgets it at once in this process;
# other workers see it within CACHE_SECONDS.
CACHE_SECONDS = 30.0
_cache: dict = {}


def forget_council_languages() -> None:
    _cache.clear()


def remember_council_languages(languages: list[str] | None, default: str | None) -> None:
    """Keep the council's choice (just saved, or a test's) without asking the database."""
    _cache.update(until=time.monotonic() + CACHE_SECONDS, languages=languages, default=default)


def _council_choice() -> tuple[list[str] | None, str | None]:
    now = time.monotonic()
    if _cache and _cache["until"] > now:
        return _cache["languages"], _cache["default"]
    # The site's council (the first set up), read from its table: pb.i18n sits below the
    # models (pb.money formats through it), so it does not import them.
    from sqlalchemy import select

    from pb.extensions import db

    table = db.metadata.tables["councils"]
    row = db.session.execute(
        select(table.c.languages, table.c.default_locale).order_by(table.c.id).limit(1)
    ).first()
    languages = row.languages.split() if row is not None and row.languages else None
    default = row.default_locale if row is not None else None
    _cache.update(until=now + CACHE_SECONDS, languages=languages, default=default)
    return languages, default


def offered_locales() -> list[str]:
    """The languages this site offers: those with a catalog that the council chose (all of
    them when it has not chosen); British English is always there, as the source."""
    if has_request_context() and "pb.offered" in request.environ:
        return request.environ["pb.offered"]
    chosen, _default = _council_choice()
    offered = [code for code in catalog_locales() if chosen is None or code in chosen]
    if SOURCE_LOCALE not in offered:
        offered.insert(0, SOURCE_LOCALE)
    if has_request_context():
        request.environ["pb.offered"] = offered
    return offered


def default_locale() -> str:
    """The council's default language when it is offered, else British English."""
    _chosen, default = _council_choice()
    return default if default in offered_locales() else SOURCE_LOCALE


def usable(code: str | None) -> str | None:
    """`code` when the site offers it (matched case-insensitively, "-" or "_"), else None."""
    if not code or len(code) > 20:
        return None
    wanted = code.replace("-", "_").lower()
    for offered in offered_locales():
        if offered.lower() == wanted:
            return offered
    return None


def select_locale() -> str:
    """Flask-Babel's locale selector: the reader's language (see the module's docstring)."""
    if not has_request_context():
        # The `pb` command (and a job) with no recipient: PB_LANGUAGE, else British English.
        wanted = os.environ.get("PB_LANGUAGE", "").replace("-", "_")
        return wanted if wanted in catalog_locales() else SOURCE_LOCALE
    if "pb.locale" in request.environ:
        return request.environ["pb.locale"]
    from flask_login import current_user

    chosen = usable(request.args.get("lang"))
    chosen = chosen or usable(session.get(SESSION_KEY))
    if chosen is None and current_user and current_user.is_authenticated:
        chosen = usable(getattr(current_user, "locale", None))
    if chosen is None:
        offered = offered_locales()
        matches = [code.replace("_", "-") for code in offered]
        best = request.accept_languages.best_match(matches + [c.split("_")[0] for c in offered])
        chosen = usable(best) or _by_language(best, offered) or default_locale()
    request.environ["pb.locale"] = chosen
    return chosen


def _by_language(tag: str | None, offered: list[str]) -> str | None:
    # "en" in Accept-Language matches en_GB: the offered locale of that language.
    if not tag:
        return None
    for code in offered:
        if code.split("_")[0].lower() == tag.lower():
            return code
    return None


def remember(code: str, user=None) -> None:
    """Keep the reader's choice in the session and, when signed in, on the account."""
    session[SESSION_KEY] = code
    request.environ["pb.locale"] = code
    if user is not None and getattr(user, "is_authenticated", False):
        user.locale = code
    from flask_babel import refresh

    refresh()


def current_locale() -> str:
    """The locale formatting uses now: the request's (or one forced for a mail), else British
    English (outside any app context: the tally's command line, say)."""
    from flask import has_app_context

    if not has_app_context():
        return SOURCE_LOCALE
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale) if locale is not None else SOURCE_LOCALE


def html_lang(code: str | None = None) -> str:
    """The BCP 47 tag for `<html lang>` and hreflang: en_GB -> "en-GB"."""
    return (code or current_locale()).replace("_", "-")


def text_direction(code: str | None = None) -> str:
    """ "rtl" for a right-to-left language (from CLDR), else "ltr"."""
    try:
        order = Locale.parse(code or current_locale()).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def language_name(code: str) -> str:
    """A language's name in itself ("Cymraeg", "polski" -> "Polski")."""
    name = Locale.parse(code).get_language_name(code) or code
    return name[:1].upper() + name[1:]


# One formatter each for numbers, percentages and dates: no page or message formats by hand.


def number(value) -> str:
    """A count or figure with the locale's grouping: 12,345 (en), 12 345 (pl)."""
    if value is None:
        return ""
    return format_decimal(value, locale=current_locale())


def percent(value, digits: int = 1) -> str:
    """A percentage given as 0-100 (as the figures hold it): 42.5 -> "42.5%", "42,5%" (pl)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(float(value) / 100, pattern, locale=current_locale())


def day(value: date | datetime | None) -> str:
    """A date in words: 1 December 2026, 1 Rhagfyr 2026, 1 grudnia 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "long", locale=current_locale())


def moment(value: datetime | None, weekday: bool = False) -> str:
    """A date and time in the site's time zone (Europe/London), in the reader's locale;
    ``weekday`` puts the day's name first (Saturday 5 December 2026 10:00), for meetings."""
    return _in_zone(value, ("EEEE " if weekday else "") + "d MMMM y HH:mm")


def clock(value: datetime | None) -> str:
    """Only the time of day, in the site's time zone: the end of a meeting on the same day."""
    return _in_zone(value, "HH:mm")


def _in_zone(value: datetime | None, pattern: str) -> str:
    if value is None:
        return ""
    from flask_babel import get_timezone

    tz = get_timezone() if has_request_context() else None
    return format_datetime(value, pattern, tzinfo=tz, locale=current_locale())


def register_template_helpers(app) -> None:
    """Filters and globals for templates: `|number`, `|percent`, `|day`, `|moment`, `|clock`,
    and the language switch's data."""

    def _fresh_locale():
        # Flask-Babel keeps the locale in `g`, which tests share between the requests of one
        # app context: each request chooses anew, before any other hook translates anything.
        from flask_babel import refresh

        refresh()

    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_locale)

    app.add_template_filter(number, "number")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(day, "day")
    app.add_template_filter(moment, "moment")
    app.add_template_filter(clock, "clock")

    @app.context_processor
    def _languages():
        if not has_request_context():
            return {}
        code = current_locale()
        return {
            "html_lang": html_lang(code),
            "text_dir": text_direction(code),
            "languages": [
                {
                    "code": other,
                    "tag": html_lang(other),
                    "name": language_name(other),
                    "current": other == code,
                }
                for other in offered_locales()
            ],
        }


# Content in several languages: a pot's name and description, a proposal's title and summary.
# The row's own columns hold the text in the council's language (Council.source_locale); the
# `translations` JSON column holds the others: {"cy": {"name": "...", "description": "..."}}.


class Shown:
    """A piece of content as a reader sees it: its text, the language it is in, and whether
    that is a fallback (no translation into the reader's language yet)."""

    __slots__ = ("fallback", "locale", "text")

    def __init__(self, text: str, locale: str, fallback: bool):
        self.text = text
        self.locale = locale
        self.fallback = fallback

    @property
    def lang(self) -> str:
        return html_lang(self.locale)

    @property
    def language(self) -> str:
        return language_name(self.locale)

    @property
    def language_here(self) -> str:
        """The text's language named in the reader's: "Saesneg" to a Welsh reader."""
        try:
            return Locale.parse(self.locale).get_language_name(current_locale()) or self.locale
        except (ValueError, UnknownLocaleError):  # pragma: no cover - codes come from catalogs
            return self.locale

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(self.text))


def translated_text(row, field: str, source_locale: str, locale: str | None = None) -> Shown:
    """`row.field` in `locale` (the reader's by default), falling back to the source text."""
    locale = locale or current_locale()
    original = getattr(row, field) or ""
    if locale == source_locale:
        return Shown(original, source_locale, False)
    text = ((row.translations or {}).get(locale) or {}).get(field)
    if text:
        return Shown(text, locale, False)
    return Shown(original, source_locale, bool(original))


def set_translations(row, locale: str, values: dict[str, str]) -> None:
    """Store `values` ({field: text}) as the row's `locale` version; blank ones are removed."""
    current = {code: dict(fields) for code, fields in (row.translations or {}).items()}
    fields = {k: v.strip() for k, v in values.items() if v and v.strip()}
    if fields:
        current[locale] = fields
    else:
        current.pop(locale, None)
    row.translations = current or None  # a new dict, so SQLAlchemy sees the change
