"""Tallies of a pot, and which of them were published."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import Model, db
from pb.timeutil import utcnow


class ImmutableResultError(Exception):
    pass


class Result(Model):
    """One run of the pot's rule over its frozen ballots.

    A tally is previewed first; publishing stamps it. A published result never changes: a
    correction is a new, later version with its reason, and the earlier one stays visible.
    """

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("pot_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    version: Mapped[int]
    rule: Mapped[str] = mapped_column(String(32))
    seed: Mapped[str] = mapped_column(String(64))
    # Outcome.to_dict() from pb.tally, with project ids as proposal ids.
    outcome: Mapped[dict] = mapped_column(JSON)
    ballots_online: Mapped[int]
    ballots_paper: Mapped[int]
    tallied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    tallied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def selected(self) -> list[str]:
        return list(self.outcome["selected"])


@event.listens_for(Result, "before_update")
@event.listens_for(Result, "before_delete")
def _published_results_are_final(mapper, connection, target: Result) -> None:
    history = db.inspect(target).attrs.published_at.history
    was_published = history.deleted[0] if history.deleted else target.published_at
    if was_published is not None:
        raise ImmutableResultError("a published result cannot be changed; publish a correction")


class ImportedElection(Model):
    """Where an imported pot came from: the pabulib file's META and columns as written, the
    source's official outcome and what the import noticed (zero-cost projects)."""

    __tablename__ = "imported_elections"

    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    meta: Mapped[dict] = mapped_column(JSON)  # every META key and value, in file order
    project_columns: Mapped[list] = mapped_column(JSON)
    vote_columns: Mapped[list] = mapped_column(JSON)
    # Proposal ids the source marks selected; None when the file has no `selected` column.
    official_selected: Mapped[list | None] = mapped_column(JSON)
    # {"zero_cost": [public ids], ...}: what the import report names.
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportedVote(Model):
    """A source file's VOTES cells other than the vote itself (voter_id, age, sex,
    voting_method, unknown columns) for one imported ballot, kept as written."""

    __tablename__ = "imported_votes"

    ballot_id: Mapped[str] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    cells: Mapped[dict] = mapped_column(JSON)
