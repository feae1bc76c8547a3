"""Reading and writing pabulib files (pabulib.org): sections META, PROJECTS and VOTES.

Each section is `;`-separated CSV with quoting; lists inside a cell are comma-separated.
Every cell is kept as written, so writing a file back keeps every field. A file that cannot
be tallied as it stands stops with a :class:`PabulibError` naming the line and the problem.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain, repeat
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np

from pb.tally.election import VOTE_TYPES, Election, Money, Profile, VoteType, as_money

SECTIONS = ("META", "PROJECTS", "VOTES")
_POINTS_TYPES = ("cumulative", "scoring")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_SECTION_LIKE = re.compile(r"[A-Z][A-Z_ ]*")


class PabulibError(ValueError):
    """A pabulib file that cannot be read, with the line (1-based) where the problem is."""

    def __init__(self, message: str, line: int | None = None, source: str = "<text>") -> None:
        self.message = message
        self.line = line
        self.source = source
        where = f"{source}: line {line}" if line is not None else source
        super().__init__(f"{where}: {message}")


@dataclass
class PabulibFile:
    """The cells of a pabulib file as written, plus the election they describe.

    ``meta`` keeps its keys in file order; ``meta_header`` records whether the optional
    ``key;value`` line was there. Project and vote rows are lists of raw cells matching
    ``project_columns`` and ``vote_columns``. ``line_numbers`` (set by :func:`parse`) maps
    each section to the line of its title, its header and then each of its rows.
    """

    meta: dict[str, str]
    project_columns: list[str]
    projects: list[list[str]]
    vote_columns: list[str]
    votes: list[list[str]]
    meta_header: bool = True
    source: str = "<text>"
    line_numbers: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)
    election: Election = field(init=False, repr=False, compare=False)
    #: Projects listed at cost 0 (withdrawn): kept in ``projects``, left out of ``election``.
    zero_cost: tuple[str, ...] = field(init=False, default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        self.election = _to_election(self)

    @property
    def vote_type(self) -> VoteType:
        """The vote type the META section declares."""
        return self.election.vote_type


def read(source: str | os.PathLike[str]) -> PabulibFile:
    """Read a pabulib file from a path, or from its text when given a string with newlines."""
    if isinstance(source, str) and "\n" in source:
        return parse(source)
    path = Path(source)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return parse(handle.read(), path.name)


def load(source: str | os.PathLike[str]) -> Election:
    """The election a pabulib file describes (see :func:`read`)."""
    return read(source).election


def parse(text: str, source: str = "<text>") -> PabulibFile:
    """Parse pabulib text; ``source`` names it in error messages.

    Fast path: the VOTES section (nearly all of a city's file) is cut off at its title line
    and read by the csv module in one go, with line numbers worked out rather than tracked,
    when it has no quotes (so each record is one line). META and PROJECTS, and any file
    where that does not hold, go through the general reader, record by record.
    """
    text = text.lstrip("\ufeff")
    split = _split_votes(text)
    if split is not None:
        head, title_line, votes_text = split
        head_records = list(_records(head))
        data = _parse_records(iter(head_records), source, finish=False)
        if data is not None:
            data.records = head_records
            return _with_fast_votes(data, title_line, votes_text, source)
    return _parse_records(_records(text), source)


@overload
def _parse_records(
    records: Iterator[tuple[int, list[str]]], source: str, *, finish: Literal[True] = ...
) -> PabulibFile: ...


@overload
def _parse_records(
    records: Iterator[tuple[int, list[str]]], source: str, *, finish: Literal[False]
) -> _Head | None: ...


def _parse_records(
    records: Iterator[tuple[int, list[str]]], source: str, *, finish: bool = True
) -> PabulibFile | _Head | None:
    """The general reader. With ``finish=False`` (META and PROJECTS only) it returns None
    when the head is not exactly META then PROJECTS with a header, so the caller falls back."""
    meta: dict[str, str] = {}
    meta_header = False
    columns: dict[str, list[str]] = {}
    rows: dict[str, list[list[str]]] = {"PROJECTS": [], "VOTES": []}
    lines: dict[str, list[int]] = {"META": [], "PROJECTS": [], "VOTES": []}
    seen: list[str] = []
    fresh = False  # just entered a section: the next row is its header
    last_line = 0
    for line, row in records:
        last_line = line
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        name = row[0].strip().upper() if len(row) == 1 else ""
        if name in SECTIONS:
            if name in seen:
                raise PabulibError(f"second {name} section", line, source)
            if name != SECTIONS[len(seen)]:
                raise PabulibError(
                    f"{name} section where {SECTIONS[len(seen)]} should come", line, source
                )
            seen.append(name)
            fresh = True
            lines[name].append(line)
            continue
        single = len(row) == 1 and _SECTION_LIKE.fullmatch(row[0].strip())
        if not seen:
            raise PabulibError("the file must start with a META section", line, source)
        section = seen[-1]
        if section == "META":
            if single:
                raise PabulibError(f"unknown section {row[0].strip()!r}", line, source)
            if len(row) != 2:
                raise PabulibError(
                    f"META lines need key;value, found {len(row)} fields", line, source
                )
            if fresh and [c.strip().lower() for c in row] == ["key", "value"]:
                meta_header, fresh = True, False
                continue
            fresh = False
            key = row[0].strip()
            if key in meta:
                raise PabulibError(f"META key {key!r} given twice", line, source)
            meta[key] = row[1]
            lines["META"].append(line)
            continue
        if fresh:
            columns[section] = row
            lines[section].append(line)
            fresh = False
            continue
        if single and len(columns[section]) > 1:
            raise PabulibError(f"unknown section {row[0].strip()!r}", line, source)
        if len(row) != len(columns[section]):
            raise PabulibError(
                f"expected {len(columns[section])} fields, found {len(row)}", line, source
            )
        rows[section].append(row)
        lines[section].append(line)
    if not finish:
        if seen != ["META", "PROJECTS"] or "PROJECTS" not in columns:
            return None
        return _Head(meta, meta_header, columns["PROJECTS"], rows["PROJECTS"], lines, last_line)
    for name in SECTIONS:
        if name not in seen:
            raise PabulibError(f"missing {name} section", last_line + 1, source)
        if name != "META" and name not in columns:
            raise PabulibError(f"the {name} section has no header line", last_line + 1, source)
    return PabulibFile(
        meta,
        columns["PROJECTS"],
        rows["PROJECTS"],
        columns["VOTES"],
        rows["VOTES"],
        meta_header=meta_header,
        source=source,
        line_numbers=lines,
    )


@dataclass
class _Head:
    """META and PROJECTS read by the general reader, waiting for the VOTES section."""

    meta: dict[str, str]
    meta_header: bool
    project_columns: list[str]
    projects: list[list[str]]
    lines: dict[str, list[int]]
    last_line: int
    records: list[tuple[int, list[str]]] = field(default_factory=list)


_VOTES_TITLE = re.compile(r"^[ \t]*VOTES[ \t]*;*[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)


_BLANK_LINE = re.compile(r"^[ \t;]*\r?$", re.MULTILINE)


def _split_votes(text: str) -> tuple[str, int, str] | None:
    """(head, line of the VOTES title, text after it) when the VOTES section can be cut off
    safely: one VOTES title, an even number of quotes before it, no quote after it."""
    at = text.find("\nVOTES")
    if at < 0 or text.find("\nVOTES", at + 1) >= 0:
        return None
    end = text.find("\n", at + 1)
    end = len(text) if end < 0 else end
    if not _VOTES_TITLE.fullmatch(text[at + 1 : end]):
        return None
    head, rest = text[: at + 1], text[end + 1 :]
    if head.count('"') % 2 or '"' in rest:
        return None
    return head, head.count("\n") + 1, rest


def _with_fast_votes(head: _Head, title_line: int, votes_text: str, source: str) -> PabulibFile:
    """Finish a file from its head and its quote-free VOTES text (one record per line).

    When every row has the header's number of fields (counted by `;`, no quotes) the rows
    stay lines, split only when asked for (:class:`_Rows`); otherwise the general reader
    numbers the lines and names the first bad one.
    """
    body = votes_text.replace("\r\n", "\n").rstrip("\n")
    lines = body.split("\n")
    width = lines[0].count(";") + 1
    if "\r" in body or not lines[0].strip(";").strip() or len(lines) < 1:
        return _finish(head, title_line, votes_text, source)
    if set(map(str.count, lines[1:], repeat(";"))) - {width - 1}:
        return _finish(head, title_line, votes_text, source)
    if width == 1 and any(not line.strip() for line in lines[1:]):
        return _finish(head, title_line, votes_text, source)
    columns = next(csv.reader([lines[0]], delimiter=";"))
    votes = _Rows(lines[1:], body[len(lines[0]) + 1 :])
    numbers = range(title_line + 1, title_line + 1 + len(lines))
    return PabulibFile(
        head.meta,
        head.project_columns,
        head.projects,
        columns,
        votes,  # type: ignore[arg-type]
        meta_header=head.meta_header,
        source=source,
        line_numbers={**head.lines, "VOTES": _LineNumbers(title_line, numbers)},  # type: ignore[dict-item]
    )


def _finish(head: _Head, title_line: int, votes_text: str, source: str) -> PabulibFile:
    """The general reader, fed the head's records, the VOTES title and the section's records."""

    def all_records() -> Iterator[tuple[int, list[str]]]:
        yield from head.records
        yield title_line, ["VOTES"]
        yield from _records(votes_text, title_line + 1)

    return _parse_records(all_records(), source)


class _Rows(Sequence[list[str]]):
    """VOTES rows kept as their lines (no quotes, right number of fields), split on demand."""

    def __init__(self, lines: list[str], text: str) -> None:
        self.lines, self.text = lines, text

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, i: int) -> list[str]: ...

    @overload
    def __getitem__(self, i: slice) -> list[list[str]]: ...

    def __getitem__(self, i: int | slice) -> list[str] | list[list[str]]:
        if isinstance(i, slice):
            return [line.split(";") for line in self.lines[i]]
        return self.lines[i].split(";")

    def __iter__(self) -> Iterator[list[str]]:
        return (line.split(";") for line in self.lines)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Rows):
            return self.lines == other.lines
        return isinstance(other, list) and list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def column(self, k: int) -> list[str]:
        """The k-th cell of every row, in one pass of the regular-expression engine."""
        if k == 0:
            return re.findall(r"^([^;\n]*)", self.text, re.MULTILINE)
        return re.findall(r"^(?:[^;\n]*;){" + str(k) + r"}([^;\n]*)", self.text, re.MULTILINE)


def _column(rows: Sequence[list[str]], k: int) -> list[str]:
    return rows.column(k) if isinstance(rows, _Rows) else [row[k] for row in rows]


class _LineNumbers(Sequence[int]):
    """The VOTES section's title line, then its header's and each row's, without a list."""

    def __init__(self, title: int, rows: Sequence[int]) -> None:
        self.title, self.rows = title, rows

    def __len__(self) -> int:
        return len(self.rows) + 1

    @overload
    def __getitem__(self, i: int) -> int: ...

    @overload
    def __getitem__(self, i: slice) -> list[int]: ...

    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self.title if i == 0 else self.rows[i - 1]


def dumps(data: PabulibFile) -> str:
    """The file as pabulib text, every cell as it was read."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    if data.meta_header:
        writer.writerow(["key", "value"])
    for key, value in data.meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(data.project_columns)
    writer.writerows(data.projects)
    out.write("VOTES\n")
    writer.writerow(data.vote_columns)
    writer.writerows(data.votes)
    return out.getvalue()


def write(data: PabulibFile, path: str | os.PathLike[str]) -> None:
    """Write the file to ``path`` (UTF-8)."""
    Path(path).write_text(dumps(data), encoding="utf-8")


def from_election(
    election: Election,
    meta: Mapping[str, str] | None = None,
    selected: tuple[str, ...] | None = None,
) -> PabulibFile:
    """A pabulib file for an election (one VOTES row per voter), e.g. to publish a pot.

    ``meta`` adds or overrides META fields; ``selected`` fills a ``selected`` column.
    """
    info = {"budget": _number(election.budget), "vote_type": election.vote_type}
    info["num_projects"] = str(len(election.projects))
    info["num_votes"] = str(election.profile.num_voters)
    info.update(meta or {})
    project_columns = ["project_id", "cost", "votes"]
    if selected is not None:
        project_columns.append("selected")
    supporters = election.supporters.tolist()
    projects = []
    for i, (pid, cost) in enumerate(election.projects.items()):
        row = [pid, _number(cost), str(supporters[i])]
        if selected is not None:
            row.append("1" if pid in selected else "0")
        projects.append(row)
    points = election.vote_type in _POINTS_TYPES
    vote_columns = ["voter_id", "vote"] + (["points"] if points else [])
    votes: list[list[str]] = []
    ids = election.project_ids
    for ballot, count in election.profile.rows():
        ranked = sorted(ballot, key=lambda i: (-ballot[i], i))
        cells = [",".join(ids[i] for i in ranked)]
        if points:
            cells.append(",".join(str(ballot[i]) for i in ranked))
        for _ in range(count):
            votes.append([str(len(votes) + 1), *cells])
    return PabulibFile(info, project_columns, projects, vote_columns, votes)


def _records(text: str, first: int = 1) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    start = first
    for row in reader:
        yield start, row
        start = first + reader.line_num


def _is_none(cell: str) -> bool:
    return cell.strip().lower() in ("", "none")


def _number(value: Money) -> str:
    """A cost or budget as a file writes it: the exact decimal ("12.5", "0.00001"), never a
    rounded float (whose repr drops digits past 17 and writes 1e-05, which no reader takes)."""
    amount = Fraction(value)
    rest, places = amount.denominator, 0
    for prime in (2, 5):
        power = 0
        while rest % prime == 0:
            rest, power = rest // prime, power + 1
        places = max(places, power)
    if rest != 1:
        raise ValueError(f"{amount} has no decimal expansion to write")
    digits = str(abs(amount.numerator * 10**places // amount.denominator)).rjust(places + 1, "0")
    whole, decimals = digits[: len(digits) - places], digits[len(digits) - places :]
    return ("-" if amount < 0 else "") + whole + ("." + decimals if places else "")


def _money(cell: str, what: str, line: int | None, source: str) -> Fraction:
    text = cell.strip()
    if not _NUMBER.fullmatch(text):
        raise PabulibError(f"{what} {cell!r} is not a number", line, source)
    return Fraction(text.replace(",", "."))


def _to_election(data: PabulibFile) -> Election:
    src = data.source
    lines = data.line_numbers or {}

    def line_of(section: str, i: int) -> int | None:
        """Line of the i-th item of a section (0 = its title, 1 = header or first key)."""
        numbers = lines.get(section, [])
        return numbers[i] if i < len(numbers) else None

    meta_line = {key: line_of("META", i + 1) for i, key in enumerate(data.meta)}
    for key in ("budget", "vote_type"):
        if key not in data.meta:
            raise PabulibError(f"META has no {key!r}", line_of("META", 0), src)
    vote_type = data.meta["vote_type"].strip().lower()
    vote_type = "approval" if vote_type == "choose-1" else vote_type
    if vote_type not in VOTE_TYPES:
        raise PabulibError(f"unknown vote_type {vote_type!r}", meta_line["vote_type"], src)
    budget = _money(data.meta["budget"], "budget", meta_line["budget"], src)
    if budget < 0:
        raise PabulibError("the budget must not be negative", meta_line["budget"], src)

    cols = _columns(data.project_columns, ("project_id", "cost"), line_of("PROJECTS", 1), src)
    costs: dict[str, Money] = {}
    seen: set[str] = set()
    zero_cost: list[str] = []
    for i, row in enumerate(data.projects):
        line = line_of("PROJECTS", i + 2)
        pid = row[cols["project_id"]].strip()
        if pid in seen:
            raise PabulibError(f"project {pid!r} listed twice", line, src)
        seen.add(pid)
        cost = _money(row[cols["cost"]], "cost", line, src)
        if cost < 0:
            raise PabulibError(f"project {pid!r} has a negative cost {cost}", line, src)
        if cost == 0:
            # Cities list withdrawn projects at cost 0: nothing to spend, so nothing to count.
            zero_cost.append(pid)
            continue
        costs[pid] = as_money(cost)
    data.zero_cost = tuple(zero_cost)
    index = {pid: i for i, pid in enumerate(costs)}
    left_out = set(zero_cost)

    length = len(seen)
    if vote_type == "ordinal" and not _is_none(data.meta.get("max_length", "")):
        length = int(_money(data.meta["max_length"], "max_length", meta_line["max_length"], src))
    vcols = _columns(data.vote_columns, ("vote",), line_of("VOTES", 1), src)
    vote_col, points_col = vcols["vote"], vcols.get("points")
    if vote_type in _POINTS_TYPES and points_col is None:
        raise PabulibError(
            f"missing column 'points' in a {vote_type} file", line_of("VOTES", 1), src
        )
    # Cities' voters cast few distinct ballots: read each distinct (vote, points) once.
    votes = data.votes
    vote_cells = _column(votes, vote_col)
    keyed: dict[tuple[str, str | None], int]
    if points_col is None:
        keyed = {(cell, None): n for cell, n in Counter(vote_cells).items()}
    else:
        keyed = dict(Counter(zip(vote_cells, _column(votes, points_col), strict=True)))
    approval = vote_type == "approval" and points_col is None
    # Keys: sorted project indices (approval) or sorted (index, weight) pairs (the rest).
    grouped: dict[Any, int] = {}
    for (cell, points), count in keyed.items():
        try:
            ballot: tuple[int, ...] | tuple[tuple[int, int], ...]
            if approval:
                ballot = _approval_ballot(cell, index, left_out)
            else:
                ballot = _ballot(cell, points, vote_type, length, index, left_out)
        except ValueError as exc:
            first = next(
                i
                for i, row in enumerate(votes)
                if row[vote_col] == cell and (points_col is None or row[points_col] == points)
            )
            raise PabulibError(str(exc), line_of("VOTES", first + 2), src) from None
        grouped[ballot] = grouped.get(ballot, 0) + count
    profile = _approval_profile(grouped) if approval else Profile.from_counts(grouped)
    return Election(costs, as_money(budget), vote_type, profile)


def _approval_profile(grouped: dict[tuple[int, ...], int]) -> Profile:
    """The profile :meth:`Profile.from_counts` builds from ((i, 1), ...) keys, built straight
    from approval sets (tuples of project indices): sorting (i,) tuples orders the groups as
    sorting ((i, 1),) tuples does, and every weight is 1."""
    keys = sorted(key for key, count in grouped.items() if count > 0)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    indptr = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    items = np.fromiter(chain.from_iterable(keys), dtype=np.int64, count=int(indptr[-1]))
    counts = np.fromiter((grouped[k] for k in keys), dtype=np.int64, count=len(keys))
    return Profile(indptr=indptr, items=items, weights=np.ones_like(items), counts=counts)


def _ballot(
    cell: str,
    points: str | None,
    vote_type: str,
    length: int,
    index: dict[str, int],
    left_out: set[str],
) -> tuple[tuple[int, int], ...]:
    """One ballot's sorted (project index, weight) pairs; ValueError says what is wrong."""
    names = [] if _is_none(cell) else [n.strip() for n in cell.split(",") if n.strip()]
    weights = _weights(names, points, vote_type, length)
    pairs: dict[int, int] = {}
    named: set[str] = set()
    for name, weight in zip(names, weights, strict=True):
        if name in named:
            raise ValueError(f"the ballot names project {name!r} twice")
        named.add(name)
        if name in left_out:
            continue
        if name not in index:
            raise ValueError(f"the ballot names unknown project {name!r}")
        pairs[index[name]] = weight
    return tuple(sorted((p, w) for p, w in pairs.items() if w > 0))


def _columns(
    header: list[str], required: tuple[str, ...], line: int | None, src: str
) -> dict[str, int]:
    cols = {name.strip().lower(): i for i, name in enumerate(header)}
    for name in required:
        if name not in cols:
            raise PabulibError(f"missing column {name!r}", line, src)
    return cols


def _approval_ballot(cell: str, index: dict[str, int], left_out: set[str]) -> tuple[int, ...]:
    """An approval ballot as its sorted project indices (weights are all 1).

    The common case (known ids, no spaces, none twice) is a split and dictionary look-ups;
    anything else goes the careful way, which also names what is wrong.
    """
    try:
        found = sorted(map(index.__getitem__, cell.split(","))) if cell else []
    except KeyError:
        return _approval_ballot_carefully(cell, index, left_out)
    if len(set(found)) != len(found):
        return _approval_ballot_carefully(cell, index, left_out)
    return tuple(found)


def _approval_ballot_carefully(
    cell: str, index: dict[str, int], left_out: set[str]
) -> tuple[int, ...]:
    names = [n.strip() for n in cell.split(",") if n.strip()]
    if len(names) == 1 and names[0].lower() == "none":
        names = []
    chosen = set(names)
    if len(chosen) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"the ballot names project {twice!r} twice")
    unknown = chosen.difference(index).difference(left_out)
    if unknown:
        first = next(n for n in names if n in unknown)
        raise ValueError(f"the ballot names unknown project {first!r}")
    return tuple(sorted(index[n] for n in chosen if n in index))


def _weights(names: list[str], points: str | None, vote_type: str, length: int) -> list[int]:
    has_points = points is not None and not _is_none(points)
    if vote_type == "approval":
        if has_points:
            raise ValueError("points given in an approval file")
        return [1] * len(names)
    if vote_type == "ordinal":
        if len(names) > length:
            raise ValueError(f"ranks {len(names)} projects, max_length is {length}")
        ranked = [length - r for r in range(len(names))]
        # Some cities list the points a ranking earns beside it; they must agree with it.
        if has_points and points is not None:
            given = [cell.strip() for cell in points.split(",")]
            if given != [str(w) for w in ranked]:
                raise ValueError(
                    f"points {','.join(given)} disagree with the ranking's "
                    f"{','.join(map(str, ranked))} in an ordinal file"
                )
        return ranked
    cells = points.split(",") if has_points and points is not None else []
    if len(cells) != len(names):
        raise ValueError(f"{len(names)} projects but {len(cells)} points")
    weights = []
    for cell in cells:
        text = cell.strip()
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"points {cell!r} is not a number")
        value = Fraction(text.replace(",", "."))
        if value < 0 or value.denominator != 1:
            raise ValueError(f"points must be whole numbers >= 0, found {text!r}")
        weights.append(int(value))
    return weights
