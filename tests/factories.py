"""Small factories for test data.

Each commits, as the data would exist before a request; inside a test that only releases a
savepoint, and the test's outer transaction is still rolled back at the end.
"""

import email
import itertools
from dataclasses import dataclass, field
from datetime import date
from email import policy
from pathlib import Path

from pb.audit import signing
from pb.auth.models import RoleGrant, User
from pb.auth.services import hash_password
from pb.councils.models import Council, Postcode, Ward
from pb.extensions import db
from pb.pots.models import Pot
from pb.proposals.models import Proposal
from pb.timeutil import utcnow

PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)  # hashing is slow on purpose; do it once
_numbers = itertools.count(1)


def make_user(*, confirmed=True, postcode="AB1 1AA", born=date(1990, 1, 1), roles=(), **extra):
    n = next(_numbers)
    user = User(
        email=extra.pop("email", f"user{n}@example.org"),
        display_name=extra.pop("display_name", f"Resident {n}"),
        password_hash=_HASH,
        postcode=postcode,
        date_of_birth=born,
        email_confirmed_at=utcnow() if confirmed else None,
        **extra,
    )
    user.roles = [RoleGrant(role=role, ward_id=ward_id) for role, ward_id in roles]
    db.session.add(user)
    db.session.commit()
    return user


def make_pot(council, ward, *, phase="voting", amount=100_000, **settings):
    pot = Pot(
        council=council,
        ward=ward,
        name=settings.pop("name", f"{ward.name if ward else 'Council'} fund {next(_numbers)}"),
        amount=amount,
        year=settings.pop("year", 2026),
        phase=phase,
        **settings,
    )
    db.session.add(pot)
    db.session.commit()
    return pot


def make_proposal(pot, *, cost=10_000, status="on_ballot", proposer=None, **extra):
    n = next(_numbers)
    proposal = Proposal(
        pot=pot,
        ward_id=pot.ward_id,
        proposer=proposer,
        title=extra.pop("title", f"Project number {n}"),
        summary=extra.pop("summary", "A short summary of the project."),
        description=extra.pop("description", "A longer description of what the project does."),
        cost=cost,
        category=extra.pop("category", "environment"),
        status=status,
        **extra,
    )
    db.session.add(proposal)
    db.session.commit()
    return proposal


@dataclass
class World:
    council: Council
    north: Ward
    south: Ward
    voting_pot: Pot
    proposals_pot: Pot
    on_ballot: list[Proposal] = field(default_factory=list)

    @classmethod
    def build(cls) -> "World":
        council = Council(name="Testshire Council", annual_budget=10_000_000_00)
        north = Ward(council=council, name="North", code="E05000001", population=1000)
        south = Ward(council=council, name="South", code="E05000002", population=2000)
        north.postcodes = [Postcode(postcode="AB1 1AA"), Postcode(postcode="AB1 1AB")]
        south.postcodes = [Postcode(postcode="AB2 2BB")]
        db.session.add_all([council, north, south])
        db.session.flush()
        signing.create(council)  # as `pb signing-key create` does, once per council
        voting_pot = make_pot(council, north, phase="voting", max_picks=2, name="North fund")
        proposals_pot = make_pot(council, north, phase="proposals", name="North ideas")
        on_ballot = [
            make_proposal(voting_pot, cost=30_000, title="Alpha garden"),
            make_proposal(voting_pot, cost=50_000, title="Bravo benches"),
            make_proposal(voting_pot, cost=40_000, title="Charlie crossing"),
        ]
        return cls(council, north, south, voting_pot, proposals_pot, on_ballot)


@dataclass
class Mail:
    to: str
    subject: str
    body: str


class Outbox:
    """Reads the .eml files that the app wrote for this test."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def messages(self) -> list[Mail]:
        mails = []
        for path in sorted(self.folder.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            mails.append(Mail(message["To"], message["Subject"], message.get_content()))
        return mails

    def last_to(self, address: str) -> Mail:
        found = [m for m in self.messages if m.to == address]
        assert found, f"no mail to {address}; outbox has {[m.to for m in self.messages]}"
        return found[-1]
