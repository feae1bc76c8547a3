"""Who took part, and the ballots they cast, kept apart so a ballot cannot name its voter."""

import secrets
from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import db
from pb.timeutil import today

CHANNELS = ("online", "paper")


def _random_id() -> str:
    return secrets.token_hex(16)


class Participation(db.Model):
    """That a person has taken part in a pot, online or on paper.

    A person is known by their account, their voter-roll entry or their access code (or
    several); a unique key on each makes a second participation impossible, whichever way
    the person comes back. The id is random so that it cannot be lined up with the ballots.
    """

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("pot_id", "user_id"),
        UniqueConstraint("pot_id", "roll_entry_id"),
        UniqueConstraint("pot_id", "access_code_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    roll_entry_id: Mapped[int | None] = mapped_column(ForeignKey("voter_roll_entries.id"))
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("access_codes.id"))
    channel: Mapped[str] = mapped_column(String(10), default="online")
    # Only the day: a finer time could be matched against the ballots.
    recorded_on: Mapped[date] = mapped_column(Date, default=today)


class Ballot(db.Model):
    """A cast ballot. No user id and no time finer than the day, by design."""

    __tablename__ = "ballots"

    # Random, so that the order of ids says nothing about the order of voting.
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="online")
    # Paper ballots have no receipt.
    receipt_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Approval: the chosen proposal ids, sorted. Ranked: ids, best first.
    # Points: [[proposal id, points], ...] sorted by id.
    choices: Mapped[list] = mapped_column(JSON)
    cast_on: Mapped[date] = mapped_column(Date, default=today)
