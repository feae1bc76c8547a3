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


def test_importing_the_tally_loads_no_web_app(tmp_path):
    """Run from an empty folder, as an auditor would: no config.py, no Flask imported."""
    import subprocess
    import sys

    code = (
        "import sys, pb.tally; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted(FORBIDDEN | {'config'})!r}); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
