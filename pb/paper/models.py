"""Paper ballots from community hubs, entered twice by different officers before they count."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.columns import EnumText, enum_check
from pb.extensions import Model
from pb.meetings.models import Meeting
from pb.timeutil import utcnow


class BatchStatus(StrEnum):
    OPEN = "open"
    MISMATCH = "mismatch"
    COUNTED = "counted"


BATCH_STATUSES = {
    "open": _l("Waiting for a second entry"),
    "mismatch": _l("Entries differ: correct one of them"),
    "counted": _l("Counted"),
}


class PaperBatch(Model):
    """A numbered bundle of paper ballots. Its ballots count once two entries agree."""

    __tablename__ = "paper_batches"
    __table_args__ = (UniqueConstraint("pot_id", "number"), enum_check("status", BatchStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    number: Mapped[int]
    status: Mapped[BatchStatus] = mapped_column(
        EnumText(BatchStatus, length=10), default=BatchStatus.OPEN
    )
    counted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The hub session the bundle came from (pb.meetings), when the officer says.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))

    meeting: Mapped["Meeting | None"] = relationship()

    entries: Mapped[list["PaperBatchEntry"]] = relationship(
        back_populates="batch", order_by="PaperBatchEntry.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return str(BATCH_STATUSES[self.status])


class PaperBatchEntry(Model):
    """One officer's typing-in of a batch: its ballots, in the order of the bundle."""

    __tablename__ = "paper_batch_entries"
    __table_args__ = (UniqueConstraint("batch_id", "officer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("paper_batches.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Each ballot in the same form as Ballot.choices.
    ballots: Mapped[list] = mapped_column(JSON)
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    batch: Mapped[PaperBatch] = relationship(back_populates="entries")
