"""Where built audit packages are kept, behind one small interface.

The default is a folder (AUDIT_PACKAGE_DIR, or instance/packages). With more than one app
server that folder must be shared (a network file system) so every server serves the same
file; an S3-compatible store behind the same three methods is the later step for that, and
is not built yet. Files are written to a temporary name and renamed into place, so a reader
never sees half a package.
"""

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import current_app


class FileStorage:
    def __init__(self, root: Path):
        self.root = Path(root)

    @contextmanager
    def writing(self, name: str):
        """A binary file to write `name` into; it appears only when the block succeeds."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w+b") as out:
                yield out
            os.replace(temporary, self.root / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def path(self, name: str) -> Path | None:
        """The local file of `name`, for serving it; None when it is not stored."""
        path = self.root / name
        return path if path.is_file() else None

    def read_json(self, name: str) -> dict | None:
        path = self.path(name)
        if path is None:
            return None
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def write_json(self, name: str, value: dict) -> None:
        with self.writing(name) as out:
            out.write(json.dumps(value, indent=2).encode())


def storage() -> FileStorage:
    configured = current_app.config.get("AUDIT_PACKAGE_DIR")
    return FileStorage(
        Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "packages"
    )
