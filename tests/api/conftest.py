import pytest

from pb.api import openapi
from pb.extensions import db
from pb.results.services import publish, run_tally
from pb.voting.models import Ballot
from tests.api.contract import Contract
from tests.factories import make_pot, make_proposal, make_user


@pytest.fixture
def contract(client):
    """The served document, so the tests check what API clients really get."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document == openapi.document()
    return Contract(document)


def cast(pot, *choices, channel="online"):
    """Store approval ballots directly, each a list of proposals, as voting would."""
    for chosen in choices:
        db.session.add(Ballot(pot_id=pot.id, channel=channel, choices=sorted(p.id for p in chosen)))
    db.session.commit()


class Published:
    """A North pot of £1,000 counted with the greedy rule and published.

    Benches (£300, 4 votes) and Alpha (£600, 3 votes) are funded in that order; Crossing
    (£500, 2 votes) no longer fits.
    """

    def __init__(self, world):
        self.admin = make_user(roles=[("admin", None)])
        self.proposer = make_user(email="proposer.person@example.org")
        self.pot = make_pot(
            world.council, world.north, phase="voting", amount=100_000, name="North results"
        )
        self.pot.commit_to_seed()
        self.alpha = make_proposal(
            self.pot, cost=60_000, title="Alpha garden", proposer=self.proposer
        )
        self.benches = make_proposal(self.pot, cost=30_000, title="Benches")
        self.crossing = make_proposal(self.pot, cost=50_000, title="Crossing")
        self.not_feasible = make_proposal(
            self.pot,
            cost=999_999,
            title="Moon landing",
            status="not_feasible",
            review_note="The council has no rockets.",
        )
        cast(self.pot, *[[self.alpha, self.benches]] * 3, [self.crossing], [self.crossing])
        cast(self.pot, [self.benches], channel="paper")
        self.pot.close_voting()
        self.pot.open_envelopes()  # the ballots above are stored in the clear
        db.session.commit()
        run_tally(self.pot, self.admin)
        self.result = publish(self.pot, self.admin)
        db.session.commit()

    def correct(self, reason: str):
        """Publish a corrected result: two more ballots for Crossing."""
        cast(self.pot, [self.crossing], [self.crossing], channel="paper")
        run_tally(self.pot, self.admin, correction_reason=reason)
        self.result = publish(self.pot, self.admin)
        db.session.commit()
        return self.result


@pytest.fixture
def published(world):
    return Published(world)
