"""Accounts: residents and the council's staff, told apart by their role grants."""

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import Model
from pb.timeutil import utcnow, years_between

if TYPE_CHECKING:
    from pb.councils.models import Postcode

ROLES = {
    "admin": _l("Council admin"),
    "panel": _l("Ward panel member"),
    "officer": _l("Polling officer"),
    "auditor": _l("Auditor"),
}


NOTIFY_CHOICES = ("instant", "weekly", "none")


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    postcode: Mapped[str | None] = mapped_column(String(8))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    # A date of birth changed while a round was voting must not lift an age refusal in it:
    # the age checks of pots that opened before the change use the younger of the two.
    date_of_birth_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    held_date_of_birth: Mapped[date | None] = mapped_column(Date)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Mail about what the user follows: "instant", "weekly" (a digest) or "none".
    notify: Mapped[str] = mapped_column(String(10), default="instant", server_default="instant")
    # Part of the login session id: bumping it (password reset) logs out every other session.
    session_epoch: Mapped[int] = mapped_column(default=0)
    # The language chosen with the language link (pb.i18n); mail to the user is written in it.
    locale: Mapped[str | None] = mapped_column(String(20))

    roles: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    # The council's entry for the user's postcode (None when it is not one of its postcodes),
    # loaded with the user: every ballot page asks which ward the resident lives in.
    home: Mapped["Postcode | None"] = relationship(
        primaryjoin="foreign(User.postcode) == Postcode.postcode", viewonly=True, lazy="joined"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def ward_id(self) -> int | None:
        """The ward the user's postcode places them in, if any."""
        return self.home.ward_id if self.home is not None else None

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def has_role(self, role: str, ward_id: int | None = None) -> bool:
        """True for an admin, or for a grant of `role` council-wide or for `ward_id`."""
        for grant in self.roles:
            if grant.role == "admin":
                return True
            if (
                grant.role == role
                and grant.pot_id is None
                and (grant.ward_id is None or grant.ward_id == ward_id)
            ):
                return True
        return False

    def may_manage(self, pot) -> bool:
        """Panel members manage the pots of their wards; a council-wide pot needs a
        council-wide panel grant."""
        return self.may_manage_ward(pot.ward_id)

    def may_manage_ward(self, ward_id: int | None) -> bool:
        """True when a pot of this ward (None: council-wide) would be one the user manages."""
        return self.has_role("panel", ward_id) if ward_id else self.has_role("panel")

    def is_officer_for(self, pot) -> bool:
        """Officers handle paper voting for the pots they are assigned (panels for theirs)."""
        if self.may_manage(pot):
            return True
        return any(
            g.role == "officer" and g.pot_id in (None, pot.id) and g.ward_id is None
            for g in self.roles
        )

    @property
    def is_auditor(self) -> bool:
        return any(g.role in ("auditor", "admin") for g in self.roles)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)

    def born_for(self, voting_opened_at: datetime | None) -> date | None:
        """The date of birth that age checks use in a pot whose voting opened then."""
        born, held = self.date_of_birth, self.held_date_of_birth
        changed = self.date_of_birth_changed_at
        if born is None or held is None or changed is None or voting_opened_at is None:
            return born
        if _aware(changed) <= _aware(voting_opened_at):
            return born
        return max(born, held)  # the later birthday is the younger age: it never lifts

    def age_on(self, day: date, voting_opened_at: datetime | None = None) -> int | None:
        """Whole years of age on `day`, or None when no date of birth is known."""
        born = self.born_for(voting_opened_at)
        if born is None:
            return None
        return years_between(born, day)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class RoleGrant(Model):
    """A role given to a user: for one ward, one pot (officers), or the whole council."""

    __tablename__ = "role_grants"
    # The plain unique key never fires when ward or pot is NULL (NULLs differ in SQL), so each
    # shape of grant has a partial unique index of its own (migration 0009).
    __table_args__ = (
        UniqueConstraint("user_id", "role", "ward_id", "pot_id"),
        *(
            Index(
                f"uq_role_grants_{name}",
                *columns,
                unique=True,
                sqlite_where=text(where),
                postgresql_where=text(where),
            )
            for name, columns, where in (
                ("council_wide", ("user_id", "role"), "ward_id IS NULL AND pot_id IS NULL"),
                ("ward", ("user_id", "role", "ward_id"), "pot_id IS NULL"),
                ("pot", ("user_id", "role", "pot_id"), "ward_id IS NULL"),
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    pot_id: Mapped[int | None] = mapped_column(ForeignKey("pots.id"))

    user: Mapped[User] = relationship(back_populates="roles")

    @property
    def label(self) -> str:
        return str(ROLES.get(self.role, self.role))


class LoginSession(Model):
    """One logged-in browser. The session cookie carries a random token whose SHA-256 is the
    key here; deleting the row ends that session on the server, whatever copy of the cookie
    anyone kept (log-out, a password change, an admin's "sign out everywhere")."""

    __tablename__ = "login_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
