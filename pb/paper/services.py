"""Paper voting at community hubs ("not just digital by default").

An officer records that an eligible person has voted on paper, which uses up their chance
to vote online (and the other way round, through the same unique keys as online casting).
The ballots themselves are typed in by numbered batch, twice, by two different officers;
a batch counts only when both entries agree.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pb.audit import chain
from pb.audit.services import record
from pb.auth.services import find_user_by_email
from pb.electorate import services as electorate
from pb.electorate.models import VoterRollEntry
from pb.extensions import db
from pb.paper.models import PaperBatch, PaperBatchEntry
from pb.pots.models import PhaseError
from pb.timeutil import today, utcnow
from pb.voting import ballots, eligibility
from pb.voting.models import Ballot, Participation
from pb.voting.services import ballot_proposals


class PaperError(Exception):
    """A paper-voting step that cannot be done; the message says why."""


@dataclass
class LineError:
    line: int
    message: str


def _require_voting(pot) -> None:
    if pot.phase != "voting":
        raise PhaseError("Paper voting is recorded only while voting is open.")


def record_paper_voter(pot, officer, identifier: str) -> Participation:
    """Mark a person as having voted on paper: by e-mail (open pots), elector reference
    (voter-roll pots) or access code (code pots)."""
    _require_voting(pot)
    identifier = identifier.strip()
    participation = Participation(pot_id=pot.id, channel="paper")
    if pot.eligibility_mode == "roll":
        entry = db.session.scalar(
            select(VoterRollEntry).where(
                VoterRollEntry.pot_id == pot.id,
                func.upper(VoterRollEntry.reference) == identifier.upper(),
            )
        )
        if entry is None:
            raise PaperError(f"No one with elector reference {identifier!r} is on this roll.")
        participation.roll_entry_id = entry.id
        born = entry.date_of_birth
    elif pot.eligibility_mode == "codes":
        status, code = electorate.code_status(pot, identifier)
        if status in ("unknown", "void"):
            raise PaperError("This is not a valid access code for this pot.")
        if status == "used":
            raise PaperError("This access code has already been used: this person has voted.")
        participation.access_code_id = code.id
        born = None
    else:
        user = find_user_by_email(identifier)
        if user is None:
            raise PaperError(f"No resident is registered with the e-mail {identifier}.")
        if eligibility.area_problem(user, pot) is not None:
            raise PaperError(f"{user.display_name} does not live in {pot.area_name}.")
        participation.user_id = user.id
        born = user.date_of_birth
    if pot.min_age and born is not None and eligibility.years_between(born, today()) < pot.min_age:
        raise PaperError(f"This person is under {pot.min_age} and cannot vote in this pot.")
    try:
        with db.session.begin_nested():
            db.session.add(participation)
    except IntegrityError:
        raise PaperError("This person has already voted, online or on paper.") from None
    record("paper.voter_recorded", actor=officer, pot=pot)
    return participation


def parse_batch(pot, text: str) -> tuple[list, list[LineError]]:
    """Read typed-in paper ballots, one per line, checked like online ballots.

    Approval: project numbers separated by commas ("12, 15"). Ranked: numbers in order of
    preference ("15, 12, 9"). Points: number:points pairs ("12:3, 15:2").
    """
    proposals = ballot_proposals(pot)
    parsed, errors = [], []
    lines = [line for line in (text or "").splitlines()]
    if len(lines) > 2000:
        return [], [LineError(0, "A batch can hold at most 2,000 ballots.")]
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            raw = _raw_from_line(pot, line)
            parsed.append(ballots.check(pot, proposals, raw))
        except ballots.BallotError as exc:
            errors.append(LineError(number, f"{line!r}: {exc}"))
    if not parsed and not errors:
        errors.append(LineError(0, "Type in at least one ballot."))
    return parsed, errors


def _raw_from_line(pot, line: str):
    parts = [p.strip() for p in line.replace(";", ",").split(",") if p.strip()]
    if pot.ballot_method == "points":
        raw = {}
        for part in parts:
            project, sep, amount = part.partition(":")
            if not sep:
                raise ballots.BallotError("write each choice as project:points, like 12:3.")
            if project.strip() in raw:
                raise ballots.BallotError("a project appears twice.")
            raw[project.strip()] = amount.strip()
        return raw
    if pot.ballot_method == "ranked":
        if len(set(parts)) != len(parts):
            raise ballots.BallotError("a project appears twice.")
        return {project: rank for rank, project in enumerate(parts, start=1)}
    return parts


def batch_for(pot, number: int) -> PaperBatch | None:
    return db.session.scalar(
        select(PaperBatch).where(PaperBatch.pot_id == pot.id, PaperBatch.number == number)
    )


def enter_batch(pot, officer, number: int, entered: list) -> PaperBatch:
    """Store one officer's entry of a batch; with two entries, compare them.

    An officer's second go at the same batch replaces their first entry (that is how a
    mismatch is corrected). When the two officers' entries agree, the ballots are stored.
    """
    _require_voting(pot)
    batch = batch_for(pot, number)
    if batch is None:
        batch = PaperBatch(pot_id=pot.id, number=number)
        db.session.add(batch)
    if batch.status == "counted":
        raise PaperError(f"Batch {number} has already been counted.")
    mine = next((e for e in batch.entries if e.officer_id == officer.id), None)
    if mine is None:
        if len(batch.entries) >= 2:
            raise PaperError(
                f"Batch {number} already has two entries; one of them must correct it."
            )
        batch.entries.append(PaperBatchEntry(officer_id=officer.id, ballots=entered))
    else:
        mine.ballots = entered
        mine.entered_at = utcnow()
    db.session.flush()
    record("paper.batch_entered", actor=officer, pot=pot, batch=number, ballots=len(entered))
    if len(batch.entries) == 2:
        _compare(pot, batch, officer)
    return batch


def _compare(pot, batch: PaperBatch, officer) -> None:
    first, second = batch.entries
    if first.ballots != second.ballots:
        batch.status = "mismatch"
        record("paper.batch_mismatch", actor=officer, pot=pot, batch=batch.number)
        return
    for choices in first.ballots:
        ballot = Ballot(id=secrets.token_hex(16), pot_id=pot.id, channel="paper", choices=choices)
        db.session.add(ballot)
        chain.append(pot, "paper_ballot", chain.sha256_hex(ballot.id))
    batch.status = "counted"
    batch.counted_at = utcnow()
    record(
        "paper.batch_counted",
        actor=officer,
        pot=pot,
        batch=batch.number,
        ballots=len(first.ballots),
    )


def side_by_side(batch: PaperBatch) -> list[tuple[int, object, object, bool]]:
    """(line, first entry's ballot, second entry's ballot, same?) for a batch's two entries."""
    if len(batch.entries) < 2:
        return []
    a, b = batch.entries[0].ballots, batch.entries[1].ballots
    rows = []
    for i in range(max(len(a), len(b))):
        left = a[i] if i < len(a) else None
        right = b[i] if i < len(b) else None
        rows.append((i + 1, left, right, left == right))
    return rows


def batches(pot) -> list[PaperBatch]:
    return list(
        db.session.scalars(
            select(PaperBatch).where(PaperBatch.pot_id == pot.id).order_by(PaperBatch.number)
        )
    )


def paper_voter_count(pot) -> int:
    return db.session.scalar(
        select(func.count()).where(Participation.pot_id == pot.id, Participation.channel == "paper")
    )
