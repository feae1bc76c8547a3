"""What a council admin does with roles: give one, take one away, end someone's sessions."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pb.audit.services import record
from pb.auth import sessions
from pb.auth.models import RoleGrant, User
from pb.councils.models import Ward
from pb.extensions import db
from pb.pots.models import Pot
from pb.transaction import atomic


class DuplicateGrant(Exception):
    """The user already has this role (for this ward or pot)."""


def wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).order_by(Ward.name)))


def pots() -> list[Pot]:
    return list(db.session.scalars(select(Pot).order_by(Pot.year.desc(), Pot.name)))


def grants() -> list[RoleGrant]:
    return list(db.session.scalars(select(RoleGrant).join(User).order_by(User.email)))


@atomic
def grant_role(
    actor: User, user: User, role: str, ward_id: int | None, pot_id: int | None
) -> RoleGrant:
    """Give `user` the role (a ward only for panels, a pot only for officers) and log it.

    The database's unique indexes refuse a second identical grant, even from two admins at
    once (migration 0009: NULL ward or pot included); that refusal is DuplicateGrant.
    """
    grant = RoleGrant(
        user_id=user.id,
        role=role,
        ward_id=ward_id if role == "panel" else None,
        pot_id=pot_id if role == "officer" else None,
    )
    db.session.add(grant)
    try:
        db.session.flush()
    except IntegrityError:
        raise DuplicateGrant(_("%(email)s already has this role.", email=user.email)) from None
    record(
        "role.granted",
        actor=actor,
        user=user.id,
        role=grant.role,
        ward=grant.ward_id,
        pot=grant.pot_id,
    )
    return grant


def revoke_role(actor: User, grant: RoleGrant) -> None:
    """Take the role away and log it. An admin cannot remove their own admin role."""
    record(
        "role.revoked",
        actor=actor,
        user=grant.user_id,
        role=grant.role,
        ward=grant.ward_id,
        pot=grant.pot_id,
    )
    db.session.delete(grant)


def sign_out_everywhere(actor: User, user: User) -> None:
    """End every session of the account (a lost phone, a shared computer, a leak)."""
    sessions.end_all(user)
    record("account.signed_out_everywhere", actor=actor, user=user.id)
