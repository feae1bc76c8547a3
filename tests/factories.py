"""Small factories for test data.

Each commits, as the data would exist before a request; inside a test that only releases a
savepoint, and the test's outer transaction is still rolled back at the end.
"""

import email
import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from email import policy
from pathlib import Path

from pb.audit import signing
from pb.auth.models import RoleGrant, User
from pb.auth.services import hash_password
from pb.councils.models import Council, Postcode, Ward
from pb.extensions import db
from pb.panel.services import round_named
from pb.pots.models import Pot, Round
from pb.proposals.models import Proposal
from pb.timeutil import utcnow
from pb.voting import sealing

PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)  # hashing is slow on purpose; do it once
_numbers = itertools.count(1)
# The ballot key of every pot the factories make in voting or later: tests open with it.
BALLOT_KEY = sealing.new_key()


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


def round_of(council, name: str) -> Round:
    db.session.flush()
    return round_named(council, name)


def make_pot(council, ward, *, phase="voting", amount=100_000, **settings):
    """A pot in `phase`. From voting on it has the shared test ballot key (BALLOT_KEY); a
    closed or published pot counts as opened (tests add its ballots in the clear)."""
    year = settings.pop("year", 2026)
    if phase in ("voting", "closed", "published"):
        settings.setdefault("sealing_key", BALLOT_KEY.public_hex)
        settings.setdefault("key_holders", 1)
        settings.setdefault("key_threshold", 1)
        settings.setdefault("key_confirmed_at", utcnow())
        settings.setdefault("voting_opened_at", utcnow())
    if phase in ("closed", "published"):
        settings.setdefault("envelopes_opened_at", utcnow())
    if "round" not in settings and "round_id" not in settings:
        settings["round"] = round_of(council, str(year))
    pot = Pot(
        council=council,
        ward=ward,
        name=settings.pop("name", f"{ward.name if ward else 'Council'} fund {next(_numbers)}"),
        amount=amount,
        year=year,
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


def make_comment(proposal, author, body="A comment on the project.", **extra):
    from pb.conversation.models import Comment

    comment = Comment(proposal_id=proposal.id, author_id=author.id, body=body, **extra)
    db.session.add(comment)
    db.session.commit()
    return comment


def make_picture(proposal, alt="A picture of the place"):
    """A picture row (its files are not stored: serving it answers 404)."""
    from pb.proposals.pictures import ProposalPicture

    picture = ProposalPicture(
        proposal_id=proposal.id,
        key=f"k{next(_numbers):031d}",
        extension="jpg",
        alt=alt,
        width=10,
        height=10,
    )
    db.session.add(picture)
    db.session.commit()
    return picture


def make_meeting(pot, place="Community Hub"):
    from datetime import UTC, datetime

    from pb.meetings.models import Meeting

    meeting = Meeting(
        pot_id=pot.id,
        kind="paper",
        place=place,
        address="1 High Street",
        starts_at=datetime(2026, 12, 5, 10, tzinfo=UTC),
        ends_at=datetime(2026, 12, 5, 12, tzinfo=UTC),
        accessibility="Step-free.",
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


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


_KEY_CODE = re.compile(r"<code>((?:\d+-)?[A-Z2-7]{4}(?:-[A-Z2-7]{1,4})+)</code>")


def make_key_through(client, pot, holders: int = 1, threshold: int = 1) -> list[str]:
    """The panel's key ceremony through the pages: make the key, confirm it; its codes."""
    made = client.post(
        f"/panel/pots/{pot.id}/key", data={"holders": holders, "threshold": threshold}
    )
    assert made.status_code == 200, made.text
    assert made.headers["Cache-Control"] == "no-store"
    codes = _KEY_CODE.findall(made.text)
    assert len(codes) == holders, made.text
    confirmed = client.post(
        f"/panel/pots/{pot.id}/key/confirm", data={"codes": "\n".join(codes[:threshold])}
    )
    assert confirmed.status_code == 303, confirmed.text
    return codes


def open_through(client, pot, codes: list[str]):
    """Open the pot's envelopes through the panel page, with the key (or shares)."""
    return client.post(f"/panel/pots/{pot.id}/open-envelopes", data={"codes": "\n".join(codes)})


def record_paper_voters(client, pot, count: int, postcode: str = "AB1 1AA") -> None:
    """Record `count` paper voters without accounts (an open pot) through the officer page."""
    for _ in range(count):
        n = next(_numbers)
        response = client.post(
            f"/panel/pots/{pot.id}/paper/voters",
            data={
                "name": f"Paper Voter {n}",
                "postcode": postcode,
                # Different birthdays: the same postcode and birthday is a near match.
                "date_of_birth": f"{1930 + n % 60}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            },
        )
        assert response.status_code == 303, response.text


def publish_through(client, pot):
    return client.post(
        f"/panel/pots/{pot.id}/publish",
        data={"reason": "Checked at the panel's meeting.", "confirm": "y"},
    )
