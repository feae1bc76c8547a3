"""Who took part, and the ballots they cast, kept apart so a ballot cannot name its voter."""

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import db
from pb.timeutil import today

CHANNELS = ("online", "paper")


class Participation(db.Model):
    """That a user has taken part in a pot. The primary key makes a second one impossible."""

    __tablename__ = "participations"

    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), default="online")
    # Only the day: a finer time could be matched against the ballots.
    recorded_on: Mapped[date] = mapped_column(Date, default=today)


class Ballot(db.Model):
    """A cast ballot. No user id and no time finer than the day, by design."""

    __tablename__ = "ballots"

    # Random, so that the order of ids says nothing about the order of voting.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="online")
    receipt_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Approval: the chosen proposal ids, sorted.
    choices: Mapped[list] = mapped_column(JSON)
    cast_on: Mapped[date] = mapped_column(Date, default=today)
