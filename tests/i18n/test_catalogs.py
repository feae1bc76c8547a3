"""The shipped catalogs are complete for the tree as it is, and their placeholders agree."""

from pathlib import Path

from babel.messages.catalog import Catalog

from pb import catalogs


def test_every_message_of_the_tree_is_translated_in_every_shipped_language():
    # A fresh extraction of pb/ and templates/, against each shipped catalog.
    report = catalogs.check()
    assert set(report) == {"en_GB", "cy", "pl"}
    problems = {code: found[:20] for code, found in report.items() if found}
    assert not problems, (
        f"run `make translations`, then translate what it lists (TRANSLATING.md): {problems}"
    )


def test_the_catalogs_have_each_language_s_plural_forms():
    forms = {
        code: catalogs.read(catalogs.FOLDER / code / "LC_MESSAGES" / "messages.po").num_plurals
        for code in catalogs.SHIPPED
    }
    assert forms == {"en_GB": 2, "cy": 6, "pl": 3}


def _catalog(tmp_path: Path, entries) -> Catalog:
    catalog = Catalog(locale="pl")
    for msgid, msgstr in entries:
        catalog.add(msgid, msgstr)
    return catalog


def test_the_check_catches_a_missing_or_changed_placeholder(tmp_path):
    catalog = _catalog(
        tmp_path,
        [
            ("Hello %(name)s", "Dzień dobry %(imie)s"),
            ("%(n)s left", "zostało"),
            ("Fine %(a)s", "Dobrze %(a)s"),
            (("%(num)s vote", "%(num)s votes"), ("%(num)s głos", "%(num)s głosy", "głosów")),
            ("Untranslated", ""),
        ],
    )
    problems = catalogs.placeholder_problems(catalog)
    assert any(p.startswith("Hello %(name)s") for p in problems)
    assert any(p.startswith("%(n)s left") for p in problems)
    assert any("[form 2]" in p for p in problems)
    assert not any(p.startswith("Fine") for p in problems)
    assert catalogs.missing(catalog) == ["Untranslated"]


def test_a_plural_with_too_few_forms_is_missing():
    catalog = Catalog(locale="cy")
    catalog.add(("%(num)s vote", "%(num)s votes"), ("%(num)s pleidlais", "%(num)s pleidlais"))
    assert catalogs.missing(catalog) == ["%(num)s vote"]


def test_a_message_marked_in_code_but_absent_from_a_catalog_is_reported(tmp_path):
    root = tmp_path / "tree"
    (root / "pb").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "pb" / "new.py").write_text('from flask_babel import gettext as _\n_("A new string")\n')
    folder = tmp_path / "translations"
    for code in catalogs.SHIPPED:
        catalogs.write(folder / code / "LC_MESSAGES" / "messages.po", Catalog(locale=code))
    report = catalogs.check(folder, root)
    assert report["cy"] == ["not in the catalog: A new string"]
    catalogs.update(folder, root)
    assert catalogs.check(folder, root)["en_GB"] == []  # English is filled in from the source
    assert catalogs.check(folder, root)["pl"] == ["not translated: A new string"]
    built = catalogs.compile_all(folder)
    assert {p.parent.parent.name for p in built} == set(catalogs.SHIPPED)


def test_no_message_is_marked_inside_an_f_string():
    """Extraction does not look inside f-strings: a _() there would never reach a catalog."""
    import ast

    marks = {"_", "_l", "gettext", "ngettext", "lazy_gettext"}
    found = []
    for path in (catalogs.ROOT / "pb").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in marks:
                        found.append(f"{path.name}:{inner.lineno}")
    assert found == []
