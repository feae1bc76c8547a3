"""The areas depend one way (ARCHITECTURE.md): a module imports only from its own layer or
lower ones, at the top of the file or inside a function alike."""

import ast
from pathlib import Path

PB = Path(__file__).resolve().parents[1] / "pb"
AREAS = ["admin", "api", "assets", "audit", "auth", "conversation", "councils", "dashboard",
         "delivery", "electorate", "jobs", "meetings", "panel", "paper", "pots", "proposals",
         "results", "voting"]  # fmt: skip

# Lowest first; a module belongs to the layer of the longest prefix it starts with. Keep this in
# step with ARCHITECTURE.md.
LAYERS = [
    ("tally", ["pb.tally"]),
    ("core", ["pb.__version__", "pb.extensions", "pb.sqlite", "pb.columns", "pb.timeutil",
              "pb.i18n", "pb.money", "pb.input", "pb.transaction", "pb.redirects", "pb.mail",
              "pb.jobs", "pb.storage"]),
    ("tables", [f"pb.{area}.models" for area in AREAS]),
    ("web helpers", ["pb.http", "pb.access", "pb.forms", "pb.charts", "pb.csvimport"]),
    ("audit log", ["pb.audit", "pb.audit.services", "pb.audit.chain", "pb.audit.signing",
                   "pb.audit.storage", "pb.audit.safezip", "pb.audit.speech"]),
    ("places", ["pb.places"]),
    ("councils", ["pb.councils"]),
    ("auth", ["pb.auth"]),
    ("assets", ["pb.assets"]),
    ("pots", ["pb.pots"]),
    ("proposals", ["pb.proposals"]),
    ("electorate", ["pb.electorate"]),
    ("voting", ["pb.voting"]),
    ("meetings", ["pb.meetings"]),
    ("conversation", ["pb.conversation"]),
    ("results", ["pb.results"]),
    ("audit package", ["pb.audit.package", "pb.audit.verify", "pb.audit.pabulib_export",
                       "pb.audit.keytrust", "pb.audit.shapes"]),
    ("panel, paper, delivery, dashboard, api, admin",
     ["pb.panel", "pb.paper", "pb.delivery", "pb.dashboard", "pb.api", "pb.admin", "pb.maps",
      "pb.languages"]),
    ("web", ["pb", "pb.app", "pb.models", "pb.cli", "pb.demo", "pb.entry", "pb.security",
             "pb.backup", "pb.create_app", "pb.catalogs"]),
]  # fmt: skip
# Imports against the order that are there on purpose, each with its reason.
ALLOWED = {
    # Flask-Login asks for the client's identity from inside the extension's set-up.
    ("pb.extensions", "pb.auth.sessions"),
    # A Huey consumer started without `pb worker` builds the app it runs jobs in.
    ("pb.jobs", "pb.create_app"),
}
WEB = len(LAYERS) - 1


def layer_of(module: str) -> int:
    """The layer of a module; every area's views (and the panel's review pages) are web."""
    last = module.rsplit(".", 1)[-1]
    if last == "views" or module == "pb.panel.review":
        return WEB
    found, longest = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix != "pb" and module.startswith(prefix + "."))
            if matches and len(prefix) > longest:
                found, longest = index, len(prefix)
    if found is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and ARCHITECTURE.md")
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PB.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, here: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pb"):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pb"):
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                # `from pb.audit import chain` imports the module pb.audit.chain.
                if (PB.parent / (target.replace(".", "/") + ".py")).exists():
                    yield node.lineno, target
                elif node.module == "pb":
                    yield node.lineno, target  # pb.__version__, pb.create_app
                else:
                    yield node.lineno, node.module


def violations() -> list[str]:
    found = []
    for path in sorted(PB.rglob("*.py")):
        here = _module_name(path)
        mine = layer_of(here)
        for line, target in _imports(ast.parse(path.read_text()), here):
            if layer_of(target) > mine and (here, target) not in ALLOWED:
                found.append(
                    f"{here}:{line} imports {target} "
                    f"({LAYERS[mine][0]} may not import {LAYERS[layer_of(target)][0]})"
                )
    return found


def test_the_areas_depend_one_way():
    assert violations() == []


def test_an_import_against_the_layers_is_caught(tmp_path):
    """The check itself can fail: a lower module importing a higher one is reported."""
    assert layer_of("pb.pots.models") < layer_of("pb.results.services")
    tree = ast.parse("from pb.results import services\n")
    targets = [t for _, t in _imports(tree, "pb.pots.models")]
    assert targets == ["pb.results.services"]
    assert layer_of(targets[0]) > layer_of("pb.pots.models")


# What templates may call of pb's own: the layout's values every page shows (read once a
# request) and a pure conversion. Anything else a page needs, its view passes in, so a
# template never runs a query of an area it does not belong to.
LAYOUT_GLOBALS = {
    "local_time": "meetings: a stored UTC time in the site's zone (no query)",
    "signing_fingerprint": "the footer's signing-key fingerprint, read once a request",
    "council_of": "the header's council identity, read once a request",
    "today": "today's date, for phase wording",
}


def test_templates_get_values_not_queries(app):
    ours = {
        name
        for name, value in app.jinja_env.globals.items()
        if (getattr(value, "__module__", None) or "").startswith("pb.")
    }
    assert ours == set(LAYOUT_GLOBALS)
