"""Access codes and voter-roll lookups: what the panel does with codes, and what voting asks.

Codes are random, drawn with `secrets` from an alphabet without look-alike characters
(no 0/O, 1/I/L), shown as XXXX-XXXX-XXXX and stored in upper case without dashes.
"""

import csv
import io
import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from pb.audit.services import record
from pb.councils.models import normalise_postcode
from pb.electorate.models import AccessCode, AccessCodeBatch, VoterRollEntry
from pb.electorate.roll import normalise_reference
from pb.extensions import db
from pb.pots.models import Phase, PhaseError, Pot
from pb.timeutil import utcnow
from pb.transaction import atomic
from pb.voting.models import Participation

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
MAX_BATCH = 20_000
STATUS_LABELS = {"ok": "unused", "used": "used", "void": "void"}
_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


class AccessCodeError(Exception):
    """A code cannot be voided (unknown, already void, or used); the message says which."""


def normalise_code(text: str | None) -> str | None:
    """A typed code in its stored form ("abcd-efgh jkmn" -> "ABCDEFGHJKMN"), or None when it
    cannot be a code."""
    squashed = re.sub(r"[\s-]+", "", text or "").upper()
    return squashed if _CODE.match(squashed) else None


def format_code(code: str) -> str:
    """A stored code as printed: XXXX-XXXX-XXXX."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _code_used(code: AccessCode) -> bool:
    query = select(Participation.id).where(Participation.access_code_id == code.id)
    return db.session.scalar(query) is not None


def code_status(pot: Pot, text: str | None) -> tuple[str, AccessCode | None]:
    """Whether a typed code can be used to vote in `pot`: ("unknown" | "void" | "used" |
    "ok", the code). A code of another pot is "unknown", so codes cannot be probed across
    pots."""
    normal = normalise_code(text)
    if normal is None:
        return "unknown", None
    code = db.session.scalar(
        select(AccessCode).where(AccessCode.code == normal, AccessCode.pot_id == pot.id)
    )
    if code is None:
        return "unknown", None
    if _code_used(code):
        return "used", code
    if code.voided_at is not None:
        return "void", code
    return "ok", code


def match_roll_entry(
    pot: Pot, reference: str | None, postcode: str | None, date_of_birth: date | None
) -> VoterRollEntry | None:
    """The pot's roll entry with exactly these details (reference in any case, postcode in
    any spacing), or None."""
    reference = normalise_reference(reference)
    postcode = normalise_postcode(postcode)
    if not reference or postcode is None or date_of_birth is None:
        return None
    return db.session.scalar(
        select(VoterRollEntry).where(
            VoterRollEntry.pot_id == pot.id,
            VoterRollEntry.reference == reference,
            VoterRollEntry.postcode == postcode,
            VoterRollEntry.date_of_birth == date_of_birth,
        )
    )


def roll_entry_used(entry: VoterRollEntry) -> bool:
    """True once a participation names this roll entry."""
    query = select(Participation.id).where(Participation.roll_entry_id == entry.id)
    return db.session.scalar(query) is not None


def ensure_codes_open(pot: Pot) -> None:
    if pot.phase in (Phase.CLOSED, Phase.PUBLISHED):
        fixed = _("Its access codes can no longer change.")
        raise PhaseError(f"{pot.state_sentence} {fixed}")


@atomic
def generate_batch(pot: Pot, label: str, count: int, actor) -> AccessCodeBatch:
    """Make `count` new one-time codes for `pot`, unique across every pot, as one batch."""
    ensure_codes_open(pot)
    if not 1 <= count <= MAX_BATCH:
        raise ValueError(
            _(
                "a batch holds 1 to %(MAX_BATCH)s codes, not %(count)s",
                MAX_BATCH=MAX_BATCH,
                count=count,
            )
        )
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {_random_code() for _n in range(count - len(codes))} - codes
        codes |= fresh - _taken(fresh)
    batch = AccessCodeBatch(pot_id=pot.id, label=label, created_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    db.session.execute(
        insert(AccessCode),
        [{"pot_id": pot.id, "batch_id": batch.id, "code": code} for code in codes],
    )
    record("codes.generated", actor=actor, pot=pot, batch=batch.id, label=label, count=count)
    db.session.flush()
    return batch


def _random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))


def _taken(codes: set[str]) -> set[str]:
    """Those of `codes` that some pot already has (a clash is very unlikely, not impossible)."""
    ordered = sorted(codes)
    taken: set[str] = set()
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        taken.update(db.session.scalars(select(AccessCode.code).where(AccessCode.code.in_(chunk))))
    return taken


@atomic
def void_code(pot: Pot, text: str, reason: str, actor) -> AccessCode:
    """Cancel an unused code of `pot` (a lost or misprinted letter), saying why."""
    ensure_codes_open(pot)
    status, code = code_status(pot, text)
    if code is None:
        raise AccessCodeError(
            _("%(code)s is not an access code of %(name)s.", code=text.strip(), name=pot.name)
        )
    shown = format_code(code.code)
    if status == "used":
        raise AccessCodeError(
            _("%(shown)s has already been used to vote, so it cannot be voided.", shown=shown)
        )
    if status == "void":
        raise AccessCodeError(
            _(
                "%(shown)s was already voided: %(void_reason)s",
                shown=shown,
                void_reason=code.void_reason,
            )
        )
    code.voided_at = utcnow()
    code.void_reason = reason
    record("code.voided", actor=actor, pot=pot, code=shown, batch=code.batch_id, reason=reason)
    db.session.flush()
    return code


@dataclass(frozen=True)
class BatchSummary:
    batch: AccessCodeBatch
    total: int
    used: int
    void: int


def batch_summaries(pot: Pot) -> list[BatchSummary]:
    """The pot's batches, newest first, with how many codes each has, used and void."""
    return _summaries(AccessCodeBatch.pot_id == pot.id)


def batch_summary(batch: AccessCodeBatch) -> BatchSummary:
    return _summaries(AccessCodeBatch.id == batch.id)[0]


def _summaries(condition) -> list[BatchSummary]:
    query = (
        select(
            AccessCodeBatch,
            func.count(AccessCode.id),
            func.count(Participation.id),
            func.count(AccessCode.voided_at),
        )
        .outerjoin(AccessCode, AccessCode.batch_id == AccessCodeBatch.id)
        .outerjoin(Participation, Participation.access_code_id == AccessCode.id)
        .where(condition)
        .group_by(AccessCodeBatch.id)
        .order_by(AccessCodeBatch.id.desc())
    )
    return [BatchSummary(*row) for row in db.session.execute(query)]


def batch_codes(batch: AccessCodeBatch) -> list[tuple[AccessCode, str]]:
    """Every code of the batch, in the order made, with its status ("ok", "used", "void")."""
    query = (
        select(AccessCode, Participation.id)
        .outerjoin(Participation, Participation.access_code_id == AccessCode.id)
        .where(AccessCode.batch_id == batch.id)
        .order_by(AccessCode.id)
    )
    return [
        (code, "used" if used else "void" if code.voided_at else "ok")
        for code, used in db.session.execute(query)
    ]


def voided_codes(pot: Pot) -> list[AccessCode]:
    query = (
        select(AccessCode)
        .where(AccessCode.pot_id == pot.id, AccessCode.voided_at.is_not(None))
        .order_by(AccessCode.voided_at.desc())
    )
    return list(db.session.scalars(query))


def batch_csv(batch: AccessCodeBatch) -> str:
    """The batch as CSV for a mail merge: code, batch label, status."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["code", "batch", "status"])
    label = _spreadsheet_safe(batch.label)
    for code, status in batch_codes(batch):
        writer.writerow([format_code(code.code), label, STATUS_LABELS[status]])
    return out.getvalue()


def _spreadsheet_safe(text: str) -> str:
    # A cell starting like a formula would be run by a spreadsheet that opens the file.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
