"""Who took part, and the ballots they cast, kept apart so a ballot cannot name its voter."""

import secrets
from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import Model
from pb.timeutil import today

CHANNELS = ("online", "paper")


def _random_id() -> str:
    return secrets.token_hex(16)


class Participation(Model):
    """That a person has taken part in a pot, online or on paper.

    A person is known by their account, their voter-roll entry or their access code, or
    (paper voters without an account) by name, postcode and date of birth; a unique key on
    each makes a second participation impossible, whichever way the person comes back.

    Ward pots of one round share `ward_round_id`, and the same unique keys on the round make
    a person take part in at most one ward pot of the round (council-wide pots leave it
    NULL, which unique keys never compare equal, so they come on top). The id is random so
    that it cannot be lined up with the ballots.
    """

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("pot_id", "user_id"),
        UniqueConstraint("pot_id", "roll_entry_id"),
        UniqueConstraint("pot_id", "access_code_id"),
        UniqueConstraint("pot_id", "elector_ref"),
        UniqueConstraint("pot_id", "person_key"),
        UniqueConstraint("ward_round_id", "user_id"),
        UniqueConstraint("ward_round_id", "elector_ref"),
        UniqueConstraint("ward_round_id", "person_key"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    roll_entry_id: Mapped[int | None] = mapped_column(ForeignKey("voter_roll_entries.id"))
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("access_codes.id"))
    # The round, for a ward pot; NULL for a council-wide pot (see the class docstring).
    ward_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    # The voter-roll reference, upper case: the same elector on two wards' rolls is one person.
    elector_ref: Mapped[str | None] = mapped_column(String(40))
    # SHA-256 of the normalised name, postcode and date of birth (pb.voting.people).
    person_key: Mapped[str | None] = mapped_column(String(64))
    # A paper voter without an account, as the officer recorded them.
    name: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(8))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(10), default="online")
    # Only the day: a finer time could be matched against the ballots.
    recorded_on: Mapped[date] = mapped_column(Date, default=today)


class SealedBallot(Model):
    """An online ballot in its inner envelope, until the envelopes are opened after the close.

    It holds the ballot and its id sealed to the pot's public key (pb.voting.sealing), the
    SHA-256 of the voter's receipt, which is public in the chain anyway and cannot be turned
    into the ballot's id, and a tag (HMAC with the app's secret key) over both, so that
    someone with only the database, who can seal a ballot of their own to the public key,
    cannot slip it in: the opening checks every tag. No time at all. Opening the envelopes
    deletes these rows.
    """

    __tablename__ = "sealed_ballots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    receipt_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    tag: Mapped[str] = mapped_column(String(64))


class Ballot(Model):
    """An opened ballot, in the clear: no user id, no receipt hash and no time, by design.

    Online ballots arrive here only when the envelopes are opened after the close, all in
    one transaction and in random order, together with the counted paper ballots.
    """

    __tablename__ = "ballots"

    # Random, so that the order of ids says nothing about the order of voting.
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="online")
    # Approval: the chosen proposal ids, sorted. Ranked: ids, best first.
    # Points: [[proposal id, points], ...] sorted by id.
    choices: Mapped[list] = mapped_column(JSON)
