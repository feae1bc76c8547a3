"""The verifier's own gettext: `pb verify`'s report in the reader's language, with no app.

pb.audit.verify and the modules it reads with (shapes, keytrust, safezip) run without Flask, so
Flask-Babel translates nothing for them. This reads the same compiled catalogs
(pb/translations/<locale>/LC_MESSAGES/messages.mo, then any folder in PB_TRANSLATIONS, a later
folder's wording winning as in Flask-Babel) for the locale PB_LANGUAGE names, by the rule of
pb.i18n.select_locale: "-" read as "_", a locale without a catalog means British English.
`_` and `ngettext` fill in `%(name)s` placeholders as Flask-Babel's do.

Written again here rather than imported from pb.i18n, which needs Flask: anyone can run the
verifier with nothing but the package. `in_english()` turns translation off, for output meant
for machines (`pb verify --json`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

SOURCE_LOCALE = "en_GB"
PACKAGE_TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

_english: ContextVar[bool] = ContextVar("pb_verify_in_english", default=False)
_loaded: dict[tuple[str, tuple[Path, ...]], NullTranslations] = {}


def folders() -> tuple[Path, ...]:
    """Every folder that holds catalogs, pb's own first (as the app's config says)."""
    extra = [part for part in os.environ.get("PB_TRANSLATIONS", "").split(";") if part.strip()]
    return (PACKAGE_TRANSLATIONS, *(Path(part) for part in extra))


def locale() -> str:
    """The report's locale: PB_LANGUAGE when a catalog has it, else British English."""
    if _english.get():
        return SOURCE_LOCALE
    wanted = os.environ.get("PB_LANGUAGE", "").strip().replace("-", "_")
    if not wanted or wanted == SOURCE_LOCALE:
        return SOURCE_LOCALE
    try:
        Locale.parse(wanted)
    except (ValueError, UnknownLocaleError):
        return SOURCE_LOCALE
    for folder in folders():
        if (folder / wanted / "LC_MESSAGES" / "messages.po").exists() or (
            folder / wanted / "LC_MESSAGES" / "messages.mo"
        ).exists():
            return wanted
    return SOURCE_LOCALE


def translations() -> NullTranslations:
    """The merged catalogs of the report's locale, loaded once per locale and folders."""
    code, where = locale(), folders()
    key = (code, where)
    if key not in _loaded:
        merged = Translations()
        for folder in where:
            catalog = Translations.load(str(folder), [code], "messages")
            if isinstance(catalog, Translations):
                merged.merge(catalog)
                merged.plural = catalog.plural  # the language's plural rule, not English's
        _loaded[key] = merged
    return _loaded[key]


def forget() -> None:
    """Drop the loaded catalogs (after compiling them again)."""
    _loaded.clear()


@contextmanager
def in_english() -> Iterator[None]:
    """Speak British English inside the block, whatever PB_LANGUAGE says."""
    token = _english.set(True)
    try:
        yield
    finally:
        _english.reset(token)


def _(message: str, **variables) -> str:
    """`message` in the report's language, its `%(name)s` placeholders filled in."""
    text = translations().gettext(message)
    return text % variables if variables else text


def pgettext(context: str, message: str, **variables) -> str:
    """`message` as meant in `context` (the same English can need other words elsewhere)."""
    text = str(translations().pgettext(context, message))
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The form of a counted message that `num` takes; `%(num)s` is the count, formatted."""
    variables.setdefault("num", number(num))
    return translations().ngettext(singular, plural, num) % variables


def number(value: int) -> str:
    """A count with the report's grouping: 12,345 (en), 12 345 (pl)."""
    return format_decimal(value, locale=locale())
