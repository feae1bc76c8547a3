"""Projects that residents propose for a pot."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Date, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from pb.assets.models import CommunityAsset
from pb.auth.models import User
from pb.columns import EnumText, enum_check
from pb.extensions import Model
from pb.pots.models import Phase, Pot
from pb.timeutil import utcnow

CATEGORIES = {
    "environment": _l("Environment and green spaces"),
    "community": _l("Community and neighbourhood"),
    "young-people": _l("Children and young people"),
    "older-people": _l("Older people"),
    "health": _l("Health and wellbeing"),
    "transport": _l("Streets and transport"),
    "culture": _l("Culture, arts and sport"),
    "safety": _l("Community safety"),
}


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"
    FEASIBLE = "feasible"
    NOT_FEASIBLE = "not_feasible"
    MERGED = "merged"
    NOT_SHORTLISTED = "not_shortlisted"  # too few supports to reach the review
    ON_BALLOT = "on_ballot"
    WITHDRAWN = "withdrawn"


class DeliveryStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


DELIVERY_STATUSES = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
}
STATUSES = {
    "submitted": _l("Submitted"),
    "feasible": _l("Feasible"),
    "not_feasible": _l("Not feasible"),
    "merged": _l("Merged into another proposal"),
    "not_shortlisted": _l("Not enough supports to go forward"),
    "on_ballot": _l("On the ballot"),
    "withdrawn": _l("Withdrawn"),  # an imported project the source lists at cost 0
}


class Proposal(Model):
    __tablename__ = "proposals"
    __table_args__ = (
        enum_check("status", ProposalStatus),
        enum_check("delivery_status", DeliveryStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Long enough for the full names of imported projects; residents' forms allow 120 / 300.
    title: Mapped[str] = mapped_column(String(1000))
    summary: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str] = mapped_column(Text)
    # The title and summary in the council's other languages (pb.i18n.translated_text).
    translations: Mapped[dict | None] = mapped_column(JSON)
    cost: Mapped[int] = mapped_column(BigInteger)  # minor units of the council's currency
    category: Mapped[str] = mapped_column(String(30))
    status: Mapped[ProposalStatus] = mapped_column(
        EnumText(ProposalStatus), default=ProposalStatus.SUBMITTED
    )
    # The panel's review, shown publicly: why it is not feasible, or why the cost changed.
    review_note: Mapped[str | None] = mapped_column(Text)
    proposed_cost: Mapped[int | None] = mapped_column(BigInteger)  # before a panel adjustment
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    # "We said, we did": set once a proposal is funded.
    delivery_status: Mapped[DeliveryStatus | None] = mapped_column(EnumText(DeliveryStatus))
    delivery_progress: Mapped[int] = mapped_column(default=0, server_default="0")  # percent
    delivery_note: Mapped[str | None] = mapped_column(Text)  # e.g. why it was cancelled
    # An imported project: its id in the source file (Łódź's "L010"), shown beside pb's own,
    # and the source's other cells (category, beneficiaries, latitude, longitude, selected,
    # unknown columns), kept as written.
    public_id: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[dict | None] = mapped_column(JSON)
    # Where the project would happen (WGS84), and the community asset it would use, if any.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("community_assets.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    pot: Mapped[Pot] = relationship()
    proposer: Mapped[User | None] = relationship()
    asset: Mapped[CommunityAsset | None] = relationship()
    merged_into: Mapped["Proposal | None"] = relationship(remote_side=[id])
    updates: Mapped[list["DeliveryUpdate"]] = relationship(
        back_populates="proposal", order_by="DeliveryUpdate.on, DeliveryUpdate.id"
    )

    @validates("status")
    def _status_member(self, key: str, value: str) -> ProposalStatus:
        return ProposalStatus(value)

    @validates("delivery_status")
    def _delivery_member(self, key: str, value: str | None) -> DeliveryStatus | None:
        return None if value is None else DeliveryStatus(value)

    @property
    def on_ballot(self) -> bool:
        return self.status is ProposalStatus.ON_BALLOT

    @property
    def may_go_on_ballot(self) -> bool:
        """Feasible proposals may be put on the ballot (and those on it taken off)."""
        return self.status in (ProposalStatus.FEASIBLE, ProposalStatus.ON_BALLOT)

    def shown(self, field: str, locale: str | None = None):
        """The proposal's `title` or `summary` in the reader's language, or marked fallback."""
        from pb.i18n import translated_text

        return translated_text(self, field, self.pot.council.source_locale, locale)

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def delivery_label(self) -> str | None:
        label = DELIVERY_STATUSES.get(self.delivery_status or "")
        return str(label) if label is not None else None

    @property
    def category_label(self) -> str:
        return str(CATEGORIES.get(self.category, self.category))

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    def editable_by(self, user) -> bool:
        """The proposer may edit until the pot's review starts."""
        return (
            user.is_authenticated
            and self.proposer_id == user.id
            and self.pot.phase == Phase.PROPOSALS
        )


class DeliveryUpdate(Model):
    """A dated progress note from the panel on a funded project."""

    __tablename__ = "delivery_updates"
    __table_args__ = (enum_check("status", DeliveryStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    status: Mapped[DeliveryStatus] = mapped_column(EnumText(DeliveryStatus))
    progress: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="updates")
