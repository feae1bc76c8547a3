"""Reading uploaded CSV lists (voter rolls, postcode lists) and keeping them between the
preview and the confirmed import.

Reading is deliberately plain: UTF-8, commas, standard quoting, a header row that names the
columns. Problems with the whole file raise `CsvFileError`; problems with single rows come
back as (line number, message) pairs so that the panel can fix the file and upload it again.
"""

import csv
import io
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from pb.i18n import number

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000
# The uploaded text waits on the server while the panel reads the preview.
STAGED_MAX_AGE_SECONDS = 2 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


class CsvFileError(Exception):
    """The file as a whole cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Column:
    """A column the import needs: its key, how to name it to people, accepted headers."""

    key: str
    label: str
    headers: tuple[str, ...]
    required: bool = True  # an optional column may be absent; its cells then read ""


@dataclass(frozen=True)
class Row:
    """One record of the file, by the line it starts on, with its cells trimmed."""

    line: int
    values: dict[str, str]


def read_upload(storage, max_bytes: int | None = None) -> str:
    """The text of an uploaded file, refusing files that are too large or not UTF-8."""
    max_bytes = max_bytes or MAX_BYTES
    data = storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise CsvFileError(
            _(
                "The file is larger than %(value)s MB. Split it into smaller files and "
                "upload them one at a time.",
                value=max_bytes // (1024 * 1024),
            )
        )
    return decode(data)


def decode(data: bytes) -> str:
    """Decode UTF-8 text, with or without the byte-order mark spreadsheets add."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError(
            _(
                "The file is not UTF-8 text (the first problem is on line %(line)s). In"
                ' your spreadsheet, save it as "CSV UTF-8 (comma delimited)" and upload'
                " it again.",
                line=number(line),
            )
        ) from None
    if not text.strip():
        raise CsvFileError(_("The file is empty."))
    return text


def read_rows(
    text: str, columns: tuple[Column, ...], *, max_rows: int | None = None
) -> tuple[list[Row], list[tuple[int, str]]]:
    """Split CSV text into rows holding the wanted columns, found by their header names.

    Returns (rows, errors); an error is a (line number, message) pair for a line that could
    not be read as CSV. Blank lines are skipped; other columns are ignored.
    """
    max_rows = max_rows or MAX_ROWS
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    errors: list[tuple[int, str]] = []
    positions: dict[str, int] | None = None
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(
                (
                    line,
                    _("This line cannot be read as CSV (%(exc)s), nor anything after it.", exc=exc),
                )
            )
            break
        if not any(cell.strip() for cell in record):
            continue
        if positions is None:
            positions = _find_columns(record, columns)
            continue
        if len(rows) >= max_rows:
            raise CsvFileError(
                _(
                    "The file has more than %(max_rows)s rows. Split it into smaller files "
                    "and upload them one at a time.",
                    max_rows=number(max_rows),
                )
            )
        values = {column.key: "" for column in columns}
        values.update(
            (key, record[index].strip() if index < len(record) else "")
            for key, index in positions.items()
        )
        rows.append(Row(line, values))
    if positions is None:
        raise CsvFileError(_("The file is empty."))
    if not rows and not errors:
        raise CsvFileError(_("The file has a header row but no rows under it."))
    return rows, errors


def _find_columns(header: list[str], columns: tuple[Column, ...]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in header]
    positions: dict[str, int] = {}
    missing = []
    for column in columns:
        # The first accepted name wins, so that "pcds" is preferred to "pcd" in the ONSPD.
        found = next((names.index(h) for h in column.headers if h in names), None)
        if found is None:
            if column.required:
                missing.append(column)
        else:
            positions[column.key] = found
    if missing:
        wanted = "; ".join(
            f"{column.label} (headed {' or '.join(column.headers)})" for column in missing
        )
        raise CsvFileError(
            _(
                "The first row must name the columns. This file has no column for: %(wanted)s.",
                wanted=wanted,
            )
        )
    return positions


@dataclass(frozen=True)
class StagedUpload:
    token: str
    filename: str
    text: str


def _folder() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "uploads"


def stage_upload(scope: str, filename: str, text: str) -> str:
    """Keep an upload on the server under a random token, for `scope` only.

    `scope` names what the upload is for and who sent it (e.g. "roll:3:user:7"), so that a
    token cannot be used for another pot or by another person.
    """
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _purge_expired(folder)
    token = secrets.token_urlsafe(24)
    body = json.dumps({"scope": scope, "filename": (filename or "")[:200], "text": text})
    partial = folder / f"{token}.part"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body)
    partial.replace(folder / f"{token}.json")
    return token


def valid_token(token: str) -> bool:
    return bool(_TOKEN.match(token))


def load_upload(scope: str, token: str) -> StagedUpload | None:
    """The upload kept under `token` for `scope`, or None if unknown, expired or not theirs."""
    if not valid_token(token):
        return None
    path = _folder() / f"{token}.json"
    try:
        if time.time() - path.stat().st_mtime > STAGED_MAX_AGE_SECONDS:
            return None
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("scope") != scope:
        return None
    return StagedUpload(token, stored.get("filename") or "upload.csv", stored["text"])


def discard_upload(token: str) -> None:
    """Remove a kept upload (after its import has been committed)."""
    if valid_token(token):
        (_folder() / f"{token}.json").unlink(missing_ok=True)


def _purge_expired(folder: Path) -> None:
    cutoff = time.time() - STAGED_MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass  # another request removed it first
