"""A community asset: premises, a hall, a garden or a group, and what it offers residents."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.auth.models import User
from pb.councils.models import Council, Ward
from pb.extensions import db
from pb.timeutil import utcnow


class AssetKind(enum.StrEnum):
    PREMISES = "premises"
    HALL = "hall"
    GARDEN = "garden"
    GROUP = "group"
    OTHER = "other"


class AssetStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def _check(column: str, values) -> CheckConstraint:
    listed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"ck_community_assets_{column}")


class CommunityAsset(db.Model):
    """An entry of the register: proposed by a resident or group, public once approved."""

    __tablename__ = "community_assets"
    __table_args__ = (_check("kind", AssetKind), _check("status", AssetStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # The ward the place lies in (point in polygon), when the council's boundaries are known.
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    offers: Mapped[str] = mapped_column(Text)  # what it offers the community
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    contact: Mapped[str] = mapped_column(String(300))
    opening: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default=AssetStatus.PENDING.value)
    review_reason: Mapped[str | None] = mapped_column(Text)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    council: Mapped[Council] = relationship()
    ward: Mapped[Ward | None] = relationship()
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[AssetKind(self.kind)])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[AssetStatus(self.status)])

    @property
    def approved(self) -> bool:
        return self.status == AssetStatus.APPROVED


KIND_LABELS = {
    AssetKind.PREMISES: _l("Council or other premises open to groups"),
    AssetKind.HALL: _l("Hall or meeting room"),
    AssetKind.GARDEN: _l("Garden or green space"),
    AssetKind.GROUP: _l("Community group"),
    AssetKind.OTHER: _l("Something else"),
}
STATUS_LABELS = {
    AssetStatus.PENDING: _l("Waiting for the panel"),
    AssetStatus.APPROVED: _l("On the register"),
    AssetStatus.REJECTED: _l("Not accepted"),
}
