"""A pot: money a council devolves to one ward (or council-wide) for residents to allocate."""

import hashlib
import secrets
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from pb.columns import EnumText, enum_check
from pb.councils.models import Council, Ward
from pb.extensions import Model
from pb.timeutil import utcnow


class Phase(StrEnum):
    """A pot's life cycle, in order; the model's methods move it on (`pot.open_voting()`)."""

    DRAFT = "draft"
    PROPOSALS = "proposals"
    SUPPORTS = "supports"  # optional: only a pot with a supports rule passes through it
    REVIEW = "review"
    VOTING = "voting"
    CLOSED = "closed"
    PUBLISHED = "published"


class BallotMethod(StrEnum):
    APPROVAL = "approval"
    RANKED = "ranked"
    POINTS = "points"

    @property
    def vote_type(self) -> "VoteType":
        """The pabulib `vote_type` of this method's ballots (the audit package, the count)."""
        return _VOTE_TYPES[self]

    @classmethod
    def for_vote_type(cls, vote_type: str) -> "BallotMethod":
        """The method that holds a pabulib file's ballots (KeyError for an unknown type)."""
        return _METHODS_OF_VOTE_TYPES[vote_type]


VoteType = Literal["approval", "ordinal", "cumulative"]
_VOTE_TYPES: dict[BallotMethod, VoteType] = {
    BallotMethod.APPROVAL: "approval",
    BallotMethod.RANKED: "ordinal",
    BallotMethod.POINTS: "cumulative",
}
# Scoring ballots (points with no total) are kept as points ballots.
_METHODS_OF_VOTE_TYPES: dict[str, BallotMethod] = {
    **{vote_type: method for method, vote_type in _VOTE_TYPES.items()},
    "scoring": BallotMethod.POINTS,
}


PHASES = tuple(Phase)
PHASE_LABELS = {
    "draft": _l("Being set up"),
    "proposals": _l("Open for proposals"),
    "supports": _l("Open for supports"),
    "review": _l("Proposals under review"),
    "voting": _l("Voting open"),
    "closed": _l("Voting closed"),
    "published": _l("Results published"),
}
# Sentences about a pot's phase, whole (word order differs between languages): where the
# pot is, and where a step needs it to be.
PHASE_STATES = {
    "draft": _l("%(name)s is still being set up."),
    "proposals": _l("%(name)s is open for proposals."),
    "supports": _l("%(name)s is gathering supports for its proposals."),
    "review": _l("%(name)s is reviewing its proposals."),
    "voting": _l("%(name)s is open for voting."),
    "closed": _l("%(name)s has closed its voting."),
    "published": _l("%(name)s has published its results."),
}
PHASE_NEEDS = {
    "draft": _l("This step is for a pot still being set up."),
    "proposals": _l("This step is for a pot open for proposals."),
    "supports": _l("This step is for a pot gathering supports."),
    "review": _l("This step is for a pot reviewing its proposals."),
    "voting": _l("This step is for a pot open for voting."),
    "closed": _l("This step is for a pot whose voting has closed."),
    "published": _l("This step is for a pot whose results are published."),
}
# Counting rules in words, for residents.
RULE_WORDS = {
    "greedy": _l("Most votes first"),
    "equalshares": _l("Equal Shares"),
    "equalshares/add1": _l("Equal Shares, topped up"),
    "equalshares-comparison": _l("Equal Shares, if voters prefer it to most votes first"),
    "equalshares/add1-comparison": _l(
        "Equal Shares topped up, if voters prefer it to most votes first"
    ),
}
BALLOT_METHODS = {
    "approval": _l("Approval: tick the projects you support"),
    "ranked": _l("Ranked: put projects in order of preference"),
    "points": _l("Points: spread points over the projects"),
}
ELIGIBILITY_MODES = {
    "open": _l("Open: any confirmed resident of the area"),
    "roll": _l("Voter roll: the resident must match an entry of an imported roll"),
    "codes": _l("Access codes: a one-time code posted to each household"),
}
RULES = {
    "greedy": _l("Most votes first (greedy)"),
    "equalshares": _l("Method of Equal Shares"),
    "equalshares/add1": _l("Method of Equal Shares (Add1 completion)"),
    "equalshares-comparison": _l("Method of Equal Shares, compared with greedy"),
    "equalshares/add1-comparison": _l("Method of Equal Shares (Add1), compared with greedy"),
}
#: How proposals get past the supports phase: the N most supported of each category (ties at
#: the N-th place all go through), or every proposal with at least K supports.
SUPPORTS_RULES = {
    "top": _l("The most supported proposals of each category"),
    "minimum": _l("Every proposal with at least this many supports"),
}
#: Add1 raises each voter's share by one whole currency unit a step unless the pot says
#: otherwise (as Wieliczka did with one złoty).
DEFAULT_ADD1_STEP = 100


# The settings that decide how the ballot is cast and counted; with the pot's area, amount and
# round they are frozen once voting opens (pb.panel.services.update_pot).
BALLOT_SETTINGS = (
    "ballot_method",
    "min_picks",
    "max_picks",
    "spending_cap",
    "points_total",
    "points_max",
    "rule",
    "add1_step",
    "eligibility_mode",
    "min_age",
)
FROZEN_SETTINGS = (*BALLOT_SETTINGS, "ward_id", "amount", "round_id")
# Everything the panel's pot form sets directly on the pot.
POT_SETTINGS = (
    "name",
    "description",
    "amount",
    "year",
    "proposals_open_on",
    "review_starts_on",
    "voting_opens_on",
    "voting_closes_on",
    "results_on",
    *BALLOT_SETTINGS,
)


class PhaseError(Exception):
    """A phase change that the pot's life cycle does not allow, with the reason why."""


class Round(Model):
    """Pots of one council that run together, e.g. "2026".

    A person takes part in at most one ward pot of a round, plus any council-wide pots
    (the unique keys on pb.voting.models.Participation hold this).
    """

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))

    council: Mapped[Council] = relationship()

    def __str__(self) -> str:
        return self.name


class Pot(Model):
    __tablename__ = "pots"
    __table_args__ = (enum_check("phase", Phase), enum_check("ballot_method", BallotMethod))

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # NULL: a council-wide pot, open to residents of every ward.
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000), default="")
    # The name and description in the council's other languages (pb.i18n.translated_text).
    translations: Mapped[dict | None] = mapped_column(JSON)
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units of the council's currency
    year: Mapped[int]
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    phase: Mapped[Phase] = mapped_column(EnumText(Phase), default=Phase.DRAFT)

    # Ballot settings; frozen once voting opens.
    ballot_method: Mapped[BallotMethod] = mapped_column(
        EnumText(BallotMethod), default=BallotMethod.APPROVAL
    )
    # Approval: how many projects to tick. Ranked: how many to rank.
    min_picks: Mapped[int] = mapped_column(default=1)
    max_picks: Mapped[int | None]
    # Approval "knapsack" ballot: the ticked projects may cost at most this much (minor units).
    spending_cap: Mapped[int | None] = mapped_column(BigInteger)
    # Points ballot: spread points_total points, at most points_max on one project.
    points_total: Mapped[int | None]
    points_max: Mapped[int | None]
    min_age: Mapped[int | None]
    eligibility_mode: Mapped[str] = mapped_column(String(10), default="open")
    rule: Mapped[str] = mapped_column(String(32), default="greedy")
    # Add1 rules: money (pence) added to each voter's share per step; chosen, never derived.
    add1_step: Mapped[int] = mapped_column(
        BigInteger, default=DEFAULT_ADD1_STEP, server_default=str(DEFAULT_ADD1_STEP)
    )
    # Tie-break lottery: the seed's SHA-256 is shown when voting opens, the seed at publication.
    seed: Mapped[str | None] = mapped_column(String(64))
    seed_sha256: Mapped[str | None] = mapped_column(String(64))
    # Supports phase: None (no such phase), "top" or "minimum" (SUPPORTS_RULES), and its N or K.
    supports_rule: Mapped[str | None] = mapped_column(String(10))
    supports_number: Mapped[int | None]
    # When the "two days before the close" reminder went out (it goes once).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voting_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voting_closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # The ballot key (pb.voting.sealing): only its public half is ever stored. Its secret is
    # held by the returning officer, or split between key_holders trustees of whom
    # key_threshold must meet to open the envelopes.
    sealing_key: Mapped[str | None] = mapped_column(String(64))
    key_holders: Mapped[int | None]
    key_threshold: Mapped[int | None]
    # Set when the holders have typed the key back in: voting opens only after that.
    key_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    envelopes_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Planned dates, shown to residents as the pot's timeline.
    proposals_open_on: Mapped[date | None] = mapped_column(Date)
    review_starts_on: Mapped[date | None] = mapped_column(Date)
    voting_opens_on: Mapped[date | None] = mapped_column(Date)
    voting_closes_on: Mapped[date | None] = mapped_column(Date)
    results_on: Mapped[date | None] = mapped_column(Date)

    # Joined: every page about a pot shows its money in the council's currency.
    council: Mapped[Council] = relationship(lazy="joined", innerjoin=True)
    ward: Mapped[Ward | None] = relationship()
    round: Mapped[Round | None] = relationship()

    def __str__(self) -> str:
        return self.name

    def shown(self, field: str, locale: str | None = None):
        """The pot's `name` or `description` in the reader's language, or marked as fallback."""
        from pb.i18n import translated_text

        return translated_text(self, field, self.council.source_locale, locale)

    @validates("phase")
    def _phase_member(self, key: str, value: str) -> Phase:
        return Phase(value)  # a member, even when set from a string ("voting")

    @validates("ballot_method")
    def _method_member(self, key: str, value: str) -> BallotMethod:
        return BallotMethod(value)

    @property
    def is_draft(self) -> bool:
        """Still being set up by the panel: residents do not see it yet."""
        return self.phase is Phase.DRAFT

    # What the pot's phase allows now: templates and services ask these, never the phase.
    @property
    def can_make_ballot_key(self) -> bool:
        """The ballot key is made (or made again) before voting opens."""
        return self.phase in (Phase.DRAFT, Phase.PROPOSALS, Phase.SUPPORTS, Phase.REVIEW)

    @property
    def proposals_reviewable(self) -> bool:
        return self.phase in (Phase.PROPOSALS, Phase.REVIEW)

    @property
    def ballot_editable(self) -> bool:
        """Proposals go on (or come off) the ballot during the review."""
        return self.phase is Phase.REVIEW

    @property
    def can_open_voting(self) -> bool:
        """Voting opens from review once the ballot key's holders have confirmed it."""
        return self.phase is Phase.REVIEW and self.key_confirmed_at is not None

    @property
    def takes_paper_ballots(self) -> bool:
        return self.phase is Phase.VOTING

    @property
    def ballots_sealed(self) -> bool:
        return self.phase in (Phase.VOTING, Phase.CLOSED) and self.envelopes_opened_at is None

    @property
    def can_open_envelopes(self) -> bool:
        return self.phase is Phase.CLOSED and self.envelopes_opened_at is None

    @property
    def is_published(self) -> bool:
        return self.phase is Phase.PUBLISHED

    @property
    def has_tally(self) -> bool:
        """The tally can run (or has run) once the envelopes are open."""
        return self.is_published or (
            self.phase is Phase.CLOSED and self.envelopes_opened_at is not None
        )

    @property
    def supports_rule_editable(self) -> bool:
        """The panel sets (or clears) the supports phase and its rule before supports open."""
        return self.phase in (Phase.DRAFT, Phase.PROPOSALS)

    @property
    def takes_supports(self) -> bool:
        return self.phase is Phase.SUPPORTS

    @property
    def shows_supports(self) -> bool:
        """A pot with a supports phase shows its counts from the moment supports open."""
        return bool(self.supports_rule) and not self.supports_rule_editable

    @property
    def takes_comments(self) -> bool:
        """Comments on proposals while the pot is public and not yet published (afterwards,
        only under delivery updates)."""
        return self.phase not in (Phase.DRAFT, Phase.PUBLISHED)

    @property
    def uses_points(self) -> bool:
        return self.ballot_method is BallotMethod.POINTS

    @property
    def state_sentence(self) -> str:
        """Where the pot is, as a whole sentence: "Oak fund is open for voting." """
        return str(PHASE_STATES[self.phase]) % {"name": self.name}

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS[self.phase])

    @property
    def currency(self) -> str:
        """The ISO 4217 code of the pot's money: its council's currency."""
        return self.council.currency

    @property
    def area_name(self) -> str:
        return self.ward.name if self.ward else _("All of %(council)s", council=self.council.name)

    @property
    def ward_round_id(self) -> int | None:
        """The round whose one-ward-pot rule this pot's participations fall under, if any."""
        return self.round_id if self.ward_id is not None else None

    def covers_ward(self, ward_id: int | None) -> bool:
        """True when a resident of `ward_id` belongs to this pot's area."""
        if ward_id is None:
            return False
        return self.ward_id is None or self.ward_id == ward_id

    def timeline(self) -> list[tuple[str, date | None, bool]]:
        """(label, planned date, reached) for each step, in order."""
        reached = PHASES.index(self.phase)
        steps = [
            (_("Proposals open"), self.proposals_open_on, Phase.PROPOSALS),
            (_("Supports"), None, Phase.SUPPORTS),
            (_("Review of proposals"), self.review_starts_on, Phase.REVIEW),
            (_("Voting opens"), self.voting_opens_on, Phase.VOTING),
            (_("Voting closes"), self.voting_closes_on, Phase.CLOSED),
            (_("Results published"), self.results_on, Phase.PUBLISHED),
        ]
        return [
            (label, day, reached >= PHASES.index(phase))
            for label, day, phase in steps
            if phase is not Phase.SUPPORTS or self.supports_rule
        ]

    def steps(self, today: date) -> list[dict]:
        """The phase stepper: each step with its planned day, whether it is done, now or to
        come, and for the next dated step the whole days left until it (0: today)."""
        timeline = self.timeline()
        # The last step reached is where the pot is now.
        current = max((i for i, (_, _, done) in enumerate(timeline) if done), default=-1)
        out, next_found = [], False
        for index, (label, day, done) in enumerate(timeline):
            state = "done" if done else "next"
            if index == current:
                state = "now"
            days_left = None
            if state == "next" and not next_found:
                next_found = True
                if day is not None and day >= today:
                    days_left = (day - today).days
            out.append({"label": label, "day": day, "state": state, "days_left": days_left})
        return out

    # Phase changes. Each checks its rule here so that no view can skip it.
    def _advance(self, expected: Phase, new: Phase) -> None:
        if self.phase != expected:
            raise PhaseError(f"{self.state_sentence} {PHASE_NEEDS[expected]}")
        self.phase = new

    def open_proposals(self) -> None:
        self._advance(Phase.DRAFT, Phase.PROPOSALS)

    def open_supports(self) -> None:
        if not self.supports_rule:
            raise PhaseError(_("Set the supports rule before opening the supports phase."))
        self._advance(Phase.PROPOSALS, Phase.SUPPORTS)

    def start_review(self) -> None:
        """Review follows the supports phase when the pot has one, else the proposals."""
        self._advance(Phase.SUPPORTS if self.supports_rule else Phase.PROPOSALS, Phase.REVIEW)

    @property
    def settings_frozen(self) -> bool:
        """Ballot rules cannot change once voting has opened."""
        return PHASES.index(self.phase) >= PHASES.index(Phase.VOTING)

    def open_voting(self, proposals_on_ballot: int) -> None:
        """Open voting, committing to a fresh tie-break seed by publishing its SHA-256."""
        if proposals_on_ballot == 0:
            raise PhaseError(_("Voting cannot open with no proposal on the ballot."))
        if self.phase is Phase.REVIEW and self.key_confirmed_at is None:
            raise PhaseError(
                _(
                    "Voting opens once the ballot key has been made and its holders have "
                    "confirmed they kept it."
                )
            )
        self._advance(Phase.REVIEW, Phase.VOTING)
        self.commit_to_seed()
        self.voting_opened_at = utcnow()

    def commit_to_seed(self) -> None:
        """Draw the tie-break seed; its SHA-256 is public from now, the seed from publication."""
        self.seed = secrets.token_hex(16)
        self.seed_sha256 = hashlib.sha256(self.seed.encode()).hexdigest()

    def close_voting(self) -> None:
        self._advance(Phase.VOTING, Phase.CLOSED)
        self.voting_closed_at = utcnow()

    @property
    def public_seed(self) -> str | None:
        """The seed itself, revealed only with the results."""
        return self.seed if self.phase is Phase.PUBLISHED else None

    def open_envelopes(self) -> None:
        """Mark the sealed ballots opened; the tally needs this."""
        if self.phase is not Phase.CLOSED:
            raise PhaseError(_("The envelopes are opened once voting has closed."))
        if self.envelopes_opened_at is not None:
            raise PhaseError(_("The envelopes of this pot have already been opened."))
        self.envelopes_opened_at = utcnow()

    def close_imported(self, opened_at: datetime | None, closed_at: datetime | None) -> None:
        """An imported election arrives with its voting over and its ballots in the clear
        (nothing was sealed): from draft straight to closed and opened, at the file's dates."""
        if self.phase is not Phase.REVIEW:
            raise PhaseError(_("An imported election closes from review, where it is created."))
        self.voting_opened_at, self.voting_closed_at = opened_at, closed_at
        self.phase = Phase.CLOSED
        self.envelopes_opened_at = closed_at or utcnow()

    def publish(self, tallied: bool) -> None:
        if not tallied:
            raise PhaseError(_("Results cannot be published before the tally."))
        self._advance(Phase.CLOSED, Phase.PUBLISHED)
