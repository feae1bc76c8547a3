"""The translation catalogs: extract the marked strings, update, check and compile them.

`python -m pb.catalogs update` (make translations) extracts every string marked in pb/ and
templates/ into a template (.pot), merges it into each pb/translations/<locale>/messages.po and
fills in British English, the source language. `python -m pb.catalogs compile` (run by make
run, make test and make dev) builds the .mo files the app reads; they are never committed.
`python -m pb.catalogs check` lists what a shipped language still lacks (tests do the same).
"""

from __future__ import annotations

import copy
import re
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "pb" / "translations"
SOURCE = "en_GB"
# The languages pb ships complete; a test fails when one of them lacks a message.
SHIPPED = ("en_GB", "cy", "pl")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
METHODS = [
    ("pb/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
# %(name)s, and the bare %s / %d some libraries use.
_NAMED = re.compile(r"%\((\w+)\)[sdif]")
_BARE = re.compile(r"%[sdif]")


def extract(root: Path = ROOT) -> Catalog:
    """Every string marked for translation under `root` (pb/ and templates/)."""
    catalog = Catalog(project="pb", msgid_bugs_address="", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map=METHODS,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_by_file=True)


def locales(folder: Path = FOLDER) -> list[str]:
    return sorted(p.parent.parent.name for p in folder.glob("*/LC_MESSAGES/messages.po"))


def update(folder: Path = FOLDER, root: Path = ROOT) -> None:
    """Extract, then merge into every catalog (new ones for SHIPPED locales that lack one)."""
    template = extract(root)
    for code in sorted(set(locales(folder)) | set(SHIPPED)):
        path = folder / code / "LC_MESSAGES" / "messages.po"
        if path.exists():
            catalog = read(path)
        else:
            catalog = Catalog(locale=code, project="pb", charset="utf-8")
        # A copy each time: update() adopts the template's own message objects.
        catalog.update(copy.deepcopy(template), update_header_comment=False, no_fuzzy_matching=True)
        if code == SOURCE:
            for message in catalog:
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        catalog.obsolete.clear()
        catalog.fuzzy = False
        write(path, catalog)
        print(f"{path}: {len(catalog)} messages, {len(missing(catalog))} to do")


def compile_all(folder: Path = FOLDER) -> list[Path]:
    """Build messages.mo next to every messages.po under `folder` (when out of date)."""
    built = []
    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read(po)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        built.append(mo)
    return built


def placeholders(text: str) -> set[str]:
    """The placeholders a message fills in: {"%(title)s", "%(num)s"}, or "%s" for bare ones."""
    text = (text or "").replace("%%", "")
    named = {f"%({name})s" for name in _NAMED.findall(text)}
    return named | ({"%s"} if _BARE.search(_NAMED.sub("", text)) else set())


def missing(catalog: Catalog) -> list[str]:
    """Messages without a usable translation: empty, fuzzy, or with too few plural forms."""
    out = []
    forms = catalog.num_plurals
    for message in catalog:
        if not message.id:
            continue
        if "fuzzy" in message.flags:
            out.append(_id(message))
        elif message.pluralizable:
            strings = message.string if isinstance(message.string, tuple | list) else ()
            if len(strings) != forms or not all(strings):
                out.append(_id(message))
        elif not message.string:
            out.append(_id(message))
    return out


def placeholder_problems(catalog: Catalog) -> list[str]:
    """Messages whose translation's placeholders are not the original's (each plural form
    must have those of the plural original: %(num)s and the others)."""
    out = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        if message.pluralizable:
            wanted = placeholders(message.id[1]) | placeholders(message.id[0])
            for index, text in enumerate(message.string):
                if text and placeholders(text) != wanted:
                    out.append(f"{_id(message)} [form {index}]: {sorted(placeholders(text))}")
        elif placeholders(str(message.string)) != placeholders(str(message.id)):
            out.append(f"{_id(message)}: {sorted(placeholders(str(message.string)))}")
    return out


def _id(message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def check(folder: Path = FOLDER, root: Path = ROOT) -> dict[str, list[str]]:
    """For each shipped language, what is missing against a fresh extraction of the tree."""
    template = extract(root)
    report = {}
    for code in SHIPPED:
        path = folder / code / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            report[code] = ["no catalog"]
            continue
        catalog = read(path)
        problems = []
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, message.context)
            if found is None:
                problems.append(f"not in the catalog: {_id(message)}")
        problems += [f"not translated: {m}" for m in missing(catalog)]
        problems += [f"placeholders differ: {m}" for m in placeholder_problems(catalog)]
        report[code] = problems
    return report


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        compile_all()
        return 0
    if command == "compile":
        for mo in compile_all():
            print(f"compiled {mo.relative_to(ROOT)}")
        return 0
    if command == "check":
        report = check()
        for code, problems in report.items():
            print(f"{code}: {len(problems)} problems")
            for problem in problems:
                print(f"  {problem}")
        return 1 if any(report.values()) else 0
    if command == "pot":
        target = Path(argv[1]) if len(argv) > 1 else Path(tempfile.gettempdir()) / "pb.pot"
        write(target, extract())
        print(target)
        return 0
    print("usage: python -m pb.catalogs update|compile|check|pot [file]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
