"""Paper voting at community hubs ("not just digital by default").

An officer records that an eligible person has voted on paper (no account needed), which
uses up their chance to vote online and in the round's other ward pots (and the other way
round, through the same unique keys as online casting).
The ballots themselves are typed in by numbered batch, twice, by two different officers;
a batch counts only when both entries agree.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from pb.audit import chain
from pb.audit.services import record
from pb.auth.models import User
from pb.councils.models import normalise_postcode
from pb.councils.wards import ward_of_postcode
from pb.electorate import services as electorate
from pb.electorate.models import VoterRollEntry
from pb.extensions import db
from pb.i18n import day
from pb.meetings.models import Meeting
from pb.paper.models import BatchStatus, PaperBatch, PaperBatchEntry
from pb.pots.models import BallotMethod, PhaseError, Pot
from pb.pots.services import lock
from pb.results.opening import counted_paper_ballots
from pb.timeutil import today, utcnow, years_between
from pb.transaction import atomic
from pb.voting import ballots, eligibility, people
from pb.voting.models import Participation
from pb.voting.services import ballot_proposals


class PaperError(Exception):
    """A paper-voting step that cannot be done; the message says why. `online_match`: the
    person matches someone who voted online, so the officer may say it is someone else."""

    def __init__(self, message: str, online_match: bool = False):
        super().__init__(message)
        self.online_match = online_match


@dataclass
class LineError:
    line: int
    message: str


def _require_voting(pot, *, alone: bool = False) -> None:
    """Lock the pot (ordering this with the close) and check voting is still open.

    Recording a paper voter shares the lock with casts; entering a batch takes it alone, so
    two batches counted at once cannot both pass the check against the paper voters.
    """
    lock(pot, shared=not alone)
    if not pot.takes_paper_ballots:
        raise PhaseError(_("Paper voting is recorded only while voting is open."))


@dataclass(frozen=True)
class PaperVoter:
    """Who the officer says has come to vote on paper: one of these, as the pot needs."""

    reference: str | None = None  # voter-roll pots
    code: str | None = None  # access-code pots
    name: str | None = None  # open pots: name, postcode and date of birth, no account needed
    postcode: str | None = None
    date_of_birth: date | None = None
    # The officer has checked that a near match (same postcode and birthday) is someone else.
    not_the_match: bool = False


@atomic
def record_paper_voter(pot, officer, voter: PaperVoter) -> Participation:
    """Mark a person as having voted on paper, by elector reference (roll pots), access code
    (code pots) or name, postcode and date of birth (open pots).

    Anyone who has taken part in the round already, by any channel, is refused with the
    match shown; the same unique keys as online casting back this up, so online casting
    refuses anyone recorded here too.
    """
    _require_voting(pot)
    participation = Participation(pot_id=pot.id, ward_round_id=pot.ward_round_id, channel="paper")
    if pot.eligibility_mode == "roll":
        reference = (voter.reference or "").strip()
        entry = db.session.scalar(
            select(VoterRollEntry).where(
                VoterRollEntry.pot_id == pot.id,
                func.upper(VoterRollEntry.reference) == reference.upper(),
            )
        )
        if entry is None:
            raise PaperError(
                _(
                    "No one with elector reference %(reference)s is on this roll.",
                    reference=repr(reference),
                )
            )
        participation.roll_entry_id = entry.id
        participation.elector_ref = people.elector_ref(entry.reference)
        born = entry.date_of_birth
    elif pot.eligibility_mode == "codes":
        status, code = electorate.code_status(pot, voter.code)
        if status in ("unknown", "void") or code is None:
            raise PaperError(_("This is not a valid access code for this pot."))
        if status == "used":
            raise PaperError(_("This access code has already been used: this person has voted."))
        participation.access_code_id = code.id
        born = None
    else:
        born = voter.date_of_birth
        postcode = normalise_postcode(voter.postcode)
        name = " ".join((voter.name or "").split())
        if not people.normal_name(name) or postcode is None or born is None:
            raise PaperError(_("Enter the voter's full name, postcode and date of birth."))
        if not date(1900, 1, 1) <= born <= today():
            raise PaperError(_("Enter the voter's real date of birth."))
        if not pot.covers_ward(ward_of_postcode(postcode)):
            raise PaperError(
                _(
                    "%(postcode)s is not in %(area_name)s.",
                    postcode=postcode,
                    area_name=pot.area_name,
                )
            )
        participation.name, participation.postcode = name, postcode
        participation.date_of_birth = born
        participation.person_key = people.person_key(name, postcode, born)
        if not voter.not_the_match:
            # Their account, if they have one: then its own unique keys refuse it online.
            participation.user_id = _account_of(name, born)
    if pot.min_age and born is not None and years_between(born, today()) < pot.min_age:
        raise PaperError(
            _("This person is under %(min_age)s and cannot vote in this pot.", min_age=pot.min_age)
        )
    if matches := _earlier_participations(pot, participation, voter.not_the_match):
        raise PaperError(
            _(
                "This person has already taken part in this round: %(where)s.",
                where="; ".join(text for text, _online in matches),
            ),
            online_match=any(online for _text, online in matches),
        )
    try:
        with db.session.begin_nested():
            db.session.add(participation)
    except IntegrityError:
        raise PaperError(_("This person has already voted, online or on paper.")) from None
    # The officer's word that a near match is someone else is kept with who gave it.
    record("paper.voter_recorded", actor=officer, pot=pot, not_the_match=voter.not_the_match)
    return participation


def _account_of(name: str, born: date) -> int | None:
    """The one account with this name and birthday, if exactly one (a move since is fine)."""
    wanted = people.normal_name(name)
    found = [
        user_id
        for user_id, display_name in db.session.execute(
            select(User.id, User.display_name).where(User.date_of_birth == born)
        )
        if people.normal_name(display_name) == wanted
    ]
    return found[0] if len(found) == 1 else None


def _earlier_participations(pot, new: Participation, not_the_match: bool) -> list[tuple[str, bool]]:
    """What the round already holds for this person, described for the officer, each with
    whether it was online.

    The same elector reference, or the same name, postcode and birthday, is the same person:
    always refused. Someone born the same day with the same name or the same postcode (who
    may have moved, or voted online under a shorter name) is a near match: refused unless the
    officer has checked and says it is someone else.
    """
    same = []
    if new.elector_ref:
        same.append(Participation.elector_ref == new.elector_ref)
    if new.person_key:
        same.append(Participation.person_key == new.person_key)
    born = new.date_of_birth
    if born is not None and not not_the_match:
        same += [Participation.date_of_birth == born, User.date_of_birth == born]
    if not same:
        return []
    rows = db.session.execute(
        select(Participation, Pot.name, User.display_name, User.postcode)
        .join(Pot, Pot.id == Participation.pot_id)
        .outerjoin(User, User.id == Participation.user_id)
        .where(eligibility.in_round(pot), or_(*same))
    ).all()
    found = []
    for earlier, pot_name, display_name, user_postcode in rows:
        exact = (new.elector_ref and earlier.elector_ref == new.elector_ref) or (
            new.person_key and earlier.person_key == new.person_key
        )
        wanted = people.normal_name(new.name or "")
        names = {people.normal_name(n) for n in (display_name, earlier.name) if n}
        near = bool(wanted) and wanted in names
        near |= new.postcode is not None and new.postcode in (user_postcode, earlier.postcode)
        name = display_name or earlier.name or ""
        if exact or (near and not not_the_match):
            who = name or _("elector %(reference)s", reference=earlier.elector_ref)
            where = dict(pot=pot_name, who=who, day=day(earlier.recorded_on))
            online = earlier.channel == "online"
            found.append(
                (
                    _("online in %(pot)s (%(who)s, %(day)s)", **where)
                    if online
                    else _("on paper in %(pot)s (%(who)s, %(day)s)", **where),
                    online,
                )
            )
    return found


def parse_batch(pot, text: str) -> tuple[list, list[LineError]]:
    """Read typed-in paper ballots, one per line, checked like online ballots.

    Approval: project numbers separated by commas ("12, 15"). Ranked: numbers in order of
    preference ("15, 12, 9"). Points: number:points pairs ("12:3, 15:2").
    """
    proposals = ballot_proposals(pot)
    parsed, errors = [], []
    lines = [line for line in (text or "").splitlines()]
    if len(lines) > 2000:
        return [], [LineError(0, _("A batch can hold at most 2,000 ballots."))]
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
        errors.append(LineError(0, _("Type in at least one ballot.")))
    return parsed, errors


def _raw_from_line(pot, line: str):
    parts = [p.strip() for p in line.replace(";", ",").split(",") if p.strip()]
    if pot.ballot_method == BallotMethod.POINTS:
        raw = {}
        for part in parts:
            project, sep, amount = part.partition(":")
            if not sep:
                raise ballots.BallotError(_("write each choice as project:points, like 12:3."))
            if project.strip() in raw:
                raise ballots.BallotError(_("a project appears twice."))
            raw[project.strip()] = amount.strip()
        return raw
    if pot.ballot_method == BallotMethod.RANKED:
        if len(set(parts)) != len(parts):
            raise ballots.BallotError(_("a project appears twice."))
        return {project: rank for rank, project in enumerate(parts, start=1)}
    return parts


def batch_for(pot, number: int) -> PaperBatch | None:
    return db.session.scalar(
        select(PaperBatch).where(PaperBatch.pot_id == pot.id, PaperBatch.number == number)
    )


@atomic
def enter_batch(
    pot, officer, number: int, entered: list, meeting_id: int | None = None
) -> PaperBatch:
    """Store one officer's entry of a batch; with two entries, compare them.

    An officer's second go at the same batch replaces their first entry (that is how a
    mismatch is corrected). When the two officers' entries agree, the ballots are stored.
    """
    _require_voting(pot, alone=True)
    _check_paper_voters(pot, number, len(entered))
    batch = batch_for(pot, number)
    if batch is None:
        batch = PaperBatch(pot_id=pot.id, number=number)
        db.session.add(batch)
    if batch.status is BatchStatus.COUNTED:
        raise PaperError(_("Batch %(number)s has already been counted.", number=number))
    if meeting_id is not None:
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None or meeting.pot_id != pot.id:
            raise PaperError(_("Choose one of this pot's hub meetings."))
        batch.meeting_id = meeting.id
    mine = next((e for e in batch.entries if e.officer_id == officer.id), None)
    if mine is None:
        if len(batch.entries) >= 2:
            raise PaperError(
                _(
                    "Batch %(number)s already has two entries; one of them must correct it.",
                    number=number,
                )
            )
        batch.entries.append(PaperBatchEntry(officer_id=officer.id, ballots=entered))
    else:
        mine.ballots = entered
        mine.entered_at = utcnow()
    db.session.flush()
    record(
        "paper.batch_entered",
        actor=officer,
        pot=pot,
        batch=number,
        ballots=len(entered),
        meeting=batch.meeting_id,
    )
    if len(batch.entries) == 2:
        _compare(pot, batch, officer)
    return batch


def _check_paper_voters(pot, number: int, ballots: int) -> None:
    """Refuse a batch that would make the paper ballots outnumber the recorded paper voters."""
    voters = paper_voter_count(pot)
    already = len(counted_paper_ballots(pot))
    if already + ballots > voters:
        raise PaperError(
            _(
                "Batch %(number)s has %(ballots)s ballots, but only %(voters)s paper "
                "voters are recorded and %(already)s paper ballots are counted already:"
                " record each paper voter first, or check the batch for extra ballots.",
                number=number,
                ballots=ballots,
                voters=voters,
                already=already,
            )
        )


def batch_payload(number: int, ballots: int) -> bytes:
    """What a counted batch's chain event commits to (the manifest lists the same)."""
    return chain.canonical({"batch": number, "ballots": ballots})


def _compare(pot, batch: PaperBatch, officer) -> None:
    first, second = batch.entries
    if first.ballots != second.ballots:
        batch.status = BatchStatus.MISMATCH
        record("paper.batch_mismatch", actor=officer, pot=pot, batch=batch.number)
        return
    _check_paper_voters(pot, batch.number, len(first.ballots))
    # The ballots stay in the entries until the envelopes are opened, when they join the
    # online ones in the clear, shuffled (pb.results.opening).
    chain.append(
        pot, "paper_batch", chain.sha256_hex(batch_payload(batch.number, len(first.ballots)))
    )
    batch.status = BatchStatus.COUNTED
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
    return (
        db.session.scalar(
            select(func.count()).where(
                Participation.pot_id == pot.id, Participation.channel == "paper"
            )
        )
        or 0
    )
