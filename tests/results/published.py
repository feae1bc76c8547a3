"""Published pots for tests, built directly: a closed pot, stored ballots, tally, publish.

(tests/panel/test_lifecycle.py drives the same steps through the HTTP routes.)
"""

import html
import re
from datetime import date

from pb.electorate.models import AccessCode, AccessCodeBatch, VoterRollEntry
from pb.extensions import db
from pb.results.services import publish, run_tally
from pb.timeutil import utcnow
from pb.voting.models import Ballot
from tests.factories import make_pot, make_proposal, make_user


def cast(pot, proposals: dict, ballots, channel="online") -> None:
    """Store approval ballots; each is a list of proposal titles."""
    for chosen in ballots:
        ids = sorted(proposals[title].id for title in chosen)
        db.session.add(Ballot(pot_id=pot.id, channel=channel, choices=ids))
    db.session.commit()


def published_pot(council, ward, costs: dict, online=(), paper=(), what_if=False, **settings):
    """A greedy approval pot with these proposals (title -> cost in pence), counted and published.

    Returns the pot and its proposals by title.
    """
    admin = make_user(roles=[("admin", None)])
    pot = make_pot(council, ward, phase="closed", rule="greedy", **settings)
    proposals = {title: make_proposal(pot, cost=cost, title=title) for title, cost in costs.items()}
    cast(pot, proposals, online)
    cast(pot, proposals, paper, channel="paper")
    run_tally(pot, admin, what_if=what_if)
    publish(pot, admin)
    db.session.commit()
    return pot, proposals


def add_roll(pot, size: int) -> None:
    for n in range(size):
        db.session.add(
            VoterRollEntry(
                pot_id=pot.id,
                reference=f"R{n:04d}",
                postcode="AB1 1AA",
                date_of_birth=date(1980, 1, 1),
            )
        )
    db.session.commit()


def add_codes(pot, size: int, void: int = 0) -> None:
    batch = AccessCodeBatch(pot_id=pot.id, label="Letters")
    db.session.add(batch)
    db.session.flush()
    for n in range(size):
        db.session.add(
            AccessCode(
                pot_id=pot.id,
                batch=batch,
                code=f"TESTCODE{pot.id:03d}{n:04d}",
                voided_at=utcnow() if n < void else None,
                void_reason="Returned to sender" if n < void else None,
            )
        )
    db.session.commit()


def text_of(fragment: str) -> str:
    """The words of an HTML fragment, tags dropped and spaces squeezed."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([,.;:%])", r"\1", words)


def summary(page: str) -> dict[str, str]:
    """The page's summary lists (GOV.UK's <dl class="govuk-summary-list">) as
    {term: description}, in words."""
    lists = re.findall(r'<dl class="govuk-summary-list[^"]*">(.*?)</dl>', page, re.S)
    assert lists, "no summary list on the page"
    pairs = [
        p
        for found in lists
        for p in re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", found, re.S)
    ]
    return {text_of(term): text_of(value) for term, value in pairs}
