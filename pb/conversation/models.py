"""Supports, comments and their flags, follows, and the notices kept for a weekly digest."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.auth.models import User
from pb.extensions import db
from pb.proposals.models import DeliveryUpdate, Proposal
from pb.timeutil import utcnow


class Support(db.Model):
    """A resident's public support for a proposal in a pot's supports phase: a count, not a
    ballot (it says nothing about how anyone votes)."""

    __tablename__ = "supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Comment(db.Model):
    """A resident's comment on a proposal (or on one of its delivery updates); replies are one
    level deep. A hidden comment keeps its row; the page shows the panel's public reason and
    the audit log keeps the text."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    delivery_update_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_updates.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    proposal: Mapped[Proposal] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    update: Mapped[DeliveryUpdate | None] = relationship()
    replies: Mapped[list["Comment"]] = relationship(order_by="Comment.id")
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], overlaps="replies")

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def by_proposer(self) -> bool:
        return self.proposal.proposer_id is not None and self.author_id == self.proposal.proposer_id


class CommentFlag(db.Model):
    """A resident telling the panel a comment breaks the rules (once per resident)."""

    __tablename__ = "comment_flags"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Follow(db.Model):
    """A resident following a pot or a proposal. `target` is "pot:<id>" or "proposal:<id>" so one
    unique key covers both; a stopped follow stays (stopped_at set) so that supporting or
    proposing again does not quietly sign the resident back up."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    target: Mapped[str] = mapped_column(String(30), index=True)
    pot_id: Mapped[int | None] = mapped_column(ForeignKey("pots.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class Notice(db.Model):
    """A notification kept for a resident who chose the weekly digest, until it is sent."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
