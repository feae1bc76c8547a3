"""A meeting: where and when a pot meets residents in person, and how to get in."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.pots.models import Pot
from pb.timeutil import utcnow

KINDS = {
    "propose": _l("Drop-in to propose projects"),
    "paper": _l("Paper voting at a hub"),
    "results": _l("Results meeting"),
    "other": _l("Meeting"),
}


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(200))  # the hub: "Hillcrest Library"
    address: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Step-free access, hearing loop, interpreters, childcare...
    accessibility: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    pot: Mapped[Pot] = relationship()

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, KINDS["other"]))

    @property
    def label(self) -> str:
        """How an officer picks it: the hub and the day."""
        return f"{self.place}, {self.starts_at:%-d %B %Y}"
