"""Pabulib files that pass pabulib's own checker, from what pb stores (pure: no database).

What pb writes follows the format as pabulib-checker 1.0.8 reads it: META starts with
`key;value` and keeps the format's order; `date_begin`/`date_end` are DD.MM.YYYY (or YYYY);
`currency` is an ISO 4217 code and `language` an ISO 639-1 one; costs and the budget are in
the currency's major unit, as pabulib files give them; `voting_method` is `internet` or
`paper`; no cell starts or ends with spaces. A source's legacy names are written under the
format's current ones (`target` -> `beneficiaries`, `categories` -> `category`, `comments`
-> `comment`, sex `K` (Polish *kobieta*) -> `F`), and a `max_length` above the number of
projects is written as that number (the same limit). Fields the format does not know are kept in
pb's database but not written, since the checker refuses them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from babel import Locale

from pb.money import major_text
from pb.tally import pabulib

# The format's META keys in its order (pabulib.org/format, as pabulib-checker lists them).
META_ORDER = (
    "description",
    "country",
    "unit",
    "district",
    "subunit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
    "default_score",
    "min_project_cost",
    "max_project_cost",
    "min_project_score_threshold",
    "neighborhoods",
    "subdistricts",
    "categories",
    "edition",
    "language",
    "currency",
    "fully_funded",
    "experimental",
    "comment",
    "acknowledgments",
)
# The PROJECTS columns pb writes, in the format's order.
PROJECT_ORDER = (
    "project_id",
    "cost",
    "votes",
    "score",
    "name",
    "category",
    "beneficiaries",
    "selected",
    "neighborhood",
    "subunit",
    "district",
    "proposer",
    "public_id",
    "latitude",
    "longitude",
)
# The VOTES columns pb writes (after voter_id, vote and points), in the format's order.
VOTE_EXTRA_ORDER = ("age", "sex", "voting_method", "district", "neighborhood", "education")
# Money fields of META, in major units in the file.
MONEY_META = ("budget", "min_sum_cost", "max_sum_cost", "min_project_cost", "max_project_cost")
# Old names in real files -> the format's current ones.
PROJECT_RENAMES = {"target": "beneficiaries", "categories": "category"}
SEX = {"M": "M", "F": "F", "O": "O", "K": "F"}
CHANNEL_METHODS = {"online": "internet", "paper": "paper"}

_AGE = re.compile(r"^\d+(-\d+)?$")
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass
class Project:
    """One project as pb exports it. ``cells`` holds the source's other cells by column."""

    project_id: str
    cost: int  # minor units
    name: str
    votes: int
    selected: bool
    score: int | None = None
    public_id: str | None = None
    cells: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Vote:
    """One ballot: ``vote`` the project ids in order, ``points`` beside them (points pots)."""

    voter_id: str
    vote: list[str]
    channel: str
    points: list[int] | None = None
    cells: Mapping[str, str] = field(default_factory=dict)


def clean(text: object) -> str:
    """A cell as the checker accepts it: one line, no surrounding spaces."""
    return " ".join(str(text).split()) if "\n" in str(text) else str(text).strip()


def pabulib_date(text: str | None) -> str | None:
    """DD.MM.YYYY or YYYY for a source date ("6.09.2019" -> "06.09.2019"); None if neither."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    match = _DATE.match(text)
    if match:
        day, month, year = match.groups()
        return f"{int(day):02d}.{int(month):02d}.{year}"
    return None


def language_code(text: str | None) -> str | None:
    """ISO 639-1 for a language as files name it ("polish" -> "pl"); None if unknown."""
    text = (text or "").strip()
    if not text:
        return None
    names = Locale("en").languages
    if len(text) == 2 and text.lower() in names:
        return text.lower()
    by_name = {name.lower(): code for code, name in names.items() if len(code) == 2}
    return by_name.get(text.lower())


def comment(meta: Mapping[str, str]) -> str | None:
    """The `comment` field numbered as the format asks ("#1: ..."), `comments` folded in."""
    parts = [clean(meta[key]) for key in ("comment", "comments") if clean(meta.get(key, ""))]
    if not parts:
        return None
    numbered: list[str] = []
    for part in parts:
        numbered.append(part if re.match(r"^#\d+: ", part) else f"#{len(numbered) + 1}: {part}")
    return "; ".join(numbered)


def build(
    meta: Mapping[str, str],
    currency: str,
    projects: list[Project],
    votes: Iterable[Vote],
    *,
    points: bool,
    rule_note: str | None = None,
) -> pabulib.PabulibFile:
    """A conforming pabulib file. ``meta`` holds text values with money in minor units;
    ``points`` adds the VOTES column of that name (points ballots, and rankings' points);
    ``rule_note`` makes the rule `greedy-custom`, saying in `comment` how it differs."""
    votes = list(votes)
    info: dict[str, str] = {}
    source = dict(meta)
    for key in MONEY_META:
        if source.get(key) not in (None, ""):
            source[key] = major_text(int(source[key]), currency)
    for key in ("date_begin", "date_end"):
        source[key] = pabulib_date(source.get(key)) or ""
    source["language"] = language_code(source.get("language")) or ""
    if rule_note:
        source["rule"] = "greedy-custom"
        source["comment"] = "; ".join(filter(None, [source.get("comment"), rule_note]))
    source["comment"] = comment(source) or ""
    source["currency"] = currency
    source["num_projects"] = str(len(projects))
    if source.get("max_length") and int(source["max_length"]) > len(projects):
        # Łódź allowed up to 5 picks in wards with 3 projects: the same limit, in the format's
        # terms (it wants max_length <= num_projects).
        source["max_length"] = str(len(projects))
    source["num_votes"] = str(len(votes))
    if sum(p.cost for p in projects) <= int(meta["budget"]):
        source["fully_funded"] = "1"  # the format's flag for "the budget covers everything"
    else:
        source.pop("fully_funded", None)
    if source.get("vote_type") in ("cumulative", "scoring") and not source.get("max_sum_points"):
        # The format requires it; the most points any ballot gave is the figure the ballots show.
        source["max_sum_points"] = str(max((sum(v.points or []) for v in votes), default=0))
    for key in META_ORDER:
        value = clean(source.get(key, ""))
        if value:
            info[key] = value

    columns = _project_columns(projects)
    rows = [_project_row(p, columns, currency) for p in projects]
    extra = [
        c for c in VOTE_EXTRA_ORDER if c == "voting_method" or any(c in v.cells for v in votes)
    ]
    vote_columns = ["voter_id", "vote", *(["points"] if points else []), *extra]
    vote_rows = [vote_row(v, extra, points) for v in votes]
    return pabulib.PabulibFile(info, columns, rows, vote_columns, vote_rows)


def _project_columns(projects: list[Project]) -> list[str]:
    present = {"project_id", "cost", "votes", "name", "selected"}
    if any(p.score is not None for p in projects):
        present.add("score")
    if any(p.public_id for p in projects):
        present.add("public_id")
    for p in projects:
        present.update(
            PROJECT_RENAMES.get(c, c) for c, value in p.cells.items() if clean(value) != ""
        )
    return [c for c in PROJECT_ORDER if c in present]


def _project_row(p: Project, columns: list[str], currency: str) -> list[str]:
    cells = {PROJECT_RENAMES.get(c, c): v for c, v in p.cells.items()}
    cells.update(
        project_id=p.project_id,
        cost=major_text(p.cost, currency),
        votes=str(p.votes),
        score="" if p.score is None else str(p.score),
        name=p.name,
        selected="1" if p.selected else "0",
        public_id=p.public_id or "",
    )
    return [clean(cells.get(c, "")) for c in columns]


def vote_row(v: Vote, extra: list[str], points: bool) -> list[str]:
    """One VOTES row: voter_id, vote, points (if any), then the `extra` columns."""
    cells = dict(v.cells)
    cells["voting_method"] = CHANNEL_METHODS[v.channel]
    sex = clean(cells.get("sex", "")).upper()
    cells["sex"] = SEX.get(sex, "")
    age = clean(cells.get("age", ""))
    cells["age"] = age if _AGE.match(age) else ""
    row = [v.voter_id, ",".join(v.vote)]
    if points:
        row.append(",".join(str(n) for n in v.points or []))
    return row + [clean(cells.get(c, "")) for c in extra]
