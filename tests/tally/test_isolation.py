"""pb.tally must run without Flask or a database, so auditors can use it on its own."""

import ast
from pathlib import Path

import pb.tally

FORBIDDEN = {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "sqlalchemy", "wtforms"}


def test_no_tally_module_imports_the_web_stack():
    root = Path(pb.tally.__file__).parent
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in FORBIDDEN, f"{path.name} imports {name}"
                assert not name.startswith("pb.") or name.startswith("pb.tally"), (
                    f"{path.name} imports {name} from outside pb.tally"
                )
