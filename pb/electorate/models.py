"""Who may vote when a pot does not simply take every resident: voter rolls and access codes."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import Model
from pb.timeutil import utcnow


class VoterRollEntry(Model):
    """One person on a pot's imported voter roll. A participation can use it once."""

    __tablename__ = "voter_roll_entries"
    __table_args__ = (UniqueConstraint("pot_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    postcode: Mapped[str] = mapped_column(String(8))
    date_of_birth: Mapped[date] = mapped_column(Date)


class AccessCodeBatch(Model):
    """Codes generated together for one posting, e.g. one letter to every household."""

    __tablename__ = "access_code_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    codes: Mapped[list["AccessCode"]] = relationship(
        back_populates="batch", order_by="AccessCode.id"
    )


class AccessCode(Model):
    """A one-time code. Used when a participation names it; void when the panel says so."""

    __tablename__ = "access_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("access_code_batches.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(String(200))

    batch: Mapped[AccessCodeBatch] = relationship(back_populates="codes")
