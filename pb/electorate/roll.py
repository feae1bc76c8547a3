"""Importing a pot's voter roll from CSV: check every row, then import all or nothing."""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from pb.audit.services import record
from pb.councils.models import Postcode, Ward, normalise_postcode
from pb.csvimport import Column, read_rows
from pb.electorate.models import VoterRollEntry
from pb.extensions import db
from pb.i18n import number
from pb.pots.models import PhaseError, Pot
from pb.timeutil import today
from pb.transaction import atomic

ROLL_COLUMNS = (
    Column("reference", "elector reference", ("reference", "ref", "elector_number")),
    Column("postcode", "postcode", ("postcode",)),
    Column("date_of_birth", "date of birth", ("date_of_birth", "dob")),
)
PREVIEW_ROWS = 20
REFERENCE_MAX = 40


class RollImportError(Exception):
    """The file changed meaning since the preview (or was never clean): nothing imported."""

    def __init__(self, check: "RollCheck"):
        super().__init__(f"{len(check.errors)} problems in the file")
        self.check = check


@dataclass
class RollCheck:
    """What importing a file would do: the entries it holds and every bad row."""

    entries: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        return bool(self.entries) and not self.errors

    @property
    def preview(self) -> list[dict]:
        return self.entries[:PREVIEW_ROWS]


def normalise_reference(text: str | None) -> str:
    """An elector reference as stored: trimmed and upper case, so matching ignores case."""
    return (text or "").strip().upper()


_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")


def parse_birth_date(text: str) -> date:
    """A date written YYYY-MM-DD or DD/MM/YYYY; ValueError when it is neither or not real."""
    # Plain patterns rather than strptime, which is slow over a roll of 200,000 rows.
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := _UK_DATE.match(text):
        day, month, year = match.groups()
    else:
        raise ValueError(text)
    return date(int(year), int(month), int(day))


def ensure_roll_open(pot: Pot) -> None:
    if pot.settings_frozen:
        fixed = _("Its voter roll can no longer change.")
        raise PhaseError(f"{pot.state_sentence} {fixed}")


def check_roll(pot: Pot, text: str) -> RollCheck:
    """Read a voter-roll file for `pot` and find every bad row, with its line number.

    Raises CsvFileError when the file as a whole cannot be read.
    """
    rows, errors = read_rows(text, ROLL_COLUMNS)
    check = RollCheck(errors=list(errors))
    area_postcodes = _area_postcodes(pot)
    area = pot.ward.name if pot.ward else pot.council.name
    existing = set(
        db.session.scalars(select(VoterRollEntry.reference).where(VoterRollEntry.pot_id == pot.id))
    )
    seen: dict[str, int] = {}
    for row in rows:
        problems = []
        reference = normalise_reference(row.values["reference"])
        if not reference:
            problems.append(_("The elector reference is missing."))
        elif len(reference) > REFERENCE_MAX or not reference.isprintable():
            problems.append(
                _(
                    "The elector reference must be at most %(REFERENCE_MAX)s letters, "
                    "digits or punctuation.",
                    REFERENCE_MAX=REFERENCE_MAX,
                )
            )
        elif reference in seen:
            problems.append(
                _(
                    "The elector reference %(reference)s is also on line %(value)s.",
                    reference=reference,
                    value=number(seen[reference]),
                )
            )
        elif reference in existing:
            problems.append(
                _(
                    "The elector reference %(reference)s is already on this pot's roll.",
                    reference=reference,
                )
            )
        else:
            seen[reference] = row.line

        raw_postcode = row.values["postcode"]
        postcode = _postcode(raw_postcode)
        if not raw_postcode:
            problems.append(_("The postcode is missing."))
        elif postcode is None:
            problems.append(
                _("%(raw_postcode)s is not a UK postcode.", raw_postcode=repr(raw_postcode))
            )
        elif postcode not in area_postcodes:
            problems.append(
                _("The postcode %(postcode)s is not in %(area)s.", postcode=postcode, area=area)
            )

        raw_date = row.values["date_of_birth"]
        born = None
        if not raw_date:
            problems.append(_("The date of birth is missing."))
        else:
            try:
                born = parse_birth_date(raw_date)
            except ValueError:
                problems.append(
                    _(
                        "The date of birth %(raw_date)s is not a real date written as YYYY-MM-"
                        "DD or DD/MM/YYYY.",
                        raw_date=repr(raw_date),
                    )
                )
            else:
                if born > today():
                    problems.append(
                        _("The date of birth %(raw_date)s is in the future.", raw_date=raw_date)
                    )
                elif born.year < 1900:
                    problems.append(
                        _("The date of birth %(raw_date)s is before 1900.", raw_date=raw_date)
                    )

        if problems:
            check.errors.extend((row.line, problem) for problem in problems)
        else:
            check.entries.append(
                {"line": row.line, "reference": reference, "postcode": postcode, "born": born}
            )
    check.errors.sort(key=lambda error: error[0])
    return check


# Many electors share a postcode.
_postcode = lru_cache(maxsize=4096)(normalise_postcode)


def _area_postcodes(pot: Pot) -> set[str]:
    query = select(Postcode.postcode)
    if pot.ward_id is not None:
        query = query.where(Postcode.ward_id == pot.ward_id)
    else:
        query = query.join(Ward).where(Ward.council_id == pot.council_id)
    return set(db.session.scalars(query))


@atomic
def import_roll(pot: Pot, text: str, actor) -> int:
    """Check the file again and add all its entries to the pot's roll, or none of them.

    Raises RollImportError when any row is bad now (e.g. another upload added the same
    references since the preview), PhaseError once voting has opened.
    """
    ensure_roll_open(pot)
    check = check_roll(pot, text)
    if not check.importable:
        raise RollImportError(check)
    db.session.execute(
        insert(VoterRollEntry),
        [
            {
                "pot_id": pot.id,
                "reference": entry["reference"],
                "postcode": entry["postcode"],
                "date_of_birth": entry["born"],
            }
            for entry in check.entries
        ],
    )
    record("roll.imported", actor=actor, pot=pot, count=len(check.entries))
    db.session.flush()
    return len(check.entries)


def roll_size(pot: Pot) -> int:
    query = select(func.count()).select_from(VoterRollEntry).where(VoterRollEntry.pot_id == pot.id)
    return db.session.scalar(query) or 0
