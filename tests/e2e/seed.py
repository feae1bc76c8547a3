"""Seed the end-to-end server's database: the demo, plus pots for every journey.

Run by tests/e2e/conftest.py in its own process (`python tests/e2e/seed.py OUT.json`), with
the same environment as the server, after `pb db upgrade`. Writes the ids the tests need.
"""

import json
import sys
from datetime import date

from sqlalchemy import select

from pb import create_app, demo
from pb.auth.models import RoleGrant, User
from pb.auth.services import hash_password
from pb.councils.models import Council, Ward
from pb.delivery import services as delivery
from pb.extensions import db
from pb.panel.services import change_phase
from pb.paper.services import PaperVoter, enter_batch, record_paper_voter
from pb.pots.models import Pot, Round
from pb.proposals.models import Proposal
from pb.results.opening import open_envelopes
from pb.results.services import publish, run_tally
from pb.timeutil import utcnow
from pb.voting import sealing

PASSWORD = demo.DEMO_PASSWORD

PROJECTS = [
    # title, cost in pence, place in Hillcrest (the demo's invented boundaries) or None
    ("Benches by the pond", 9_000_00, (52.060, -1.008)),
    ("Bulb planting on the verges", 4_000_00, (52.066, -0.996)),
    ("Repair the bus shelter", 12_000_00, None),
    ("Books for the library", 3_000_00, (52.055, -0.992)),
]

VOTING_POTS = {
    # key -> settings; all in Hillcrest, where a new resident (RV2 4DE) may vote
    "knapsack": {"ballot_method": "approval", "min_picks": 1, "spending_cap": 15_000_00},
    "ranked": {"ballot_method": "ranked", "min_picks": 1, "max_picks": 3},
    "points": {"ballot_method": "points", "points_total": 5, "points_max": 3},
}


# Ballot keys of the seeded pots, by pot: the seed opens the published one's envelopes.
KEYS: dict[str, sealing.NewKey] = {}


def _pot(council, ward, name, phase="review", **settings) -> Pot:
    """A pot in its own round (journeys vote in several Hillcrest pots), with a confirmed
    ballot key unless the test makes one through the pages."""
    if phase == "review" and not name.startswith("Hillcrest panel fund"):
        KEYS[name] = key = sealing.new_key()
        settings.update(
            sealing_key=key.public_hex, key_holders=1, key_threshold=1, key_confirmed_at=utcnow()
        )
    pot = Pot(
        round=Round(council=council, name=name[:60]),
        council=council,
        ward=ward,
        name=name,
        description=f"{name}: a pot for the end-to-end tests.",
        amount=30_000_00,
        year=date.today().year,
        phase=phase,
        rule="greedy",
        **settings,
    )
    db.session.add(pot)
    db.session.flush()
    return pot


def _projects(pot, status) -> list[Proposal]:
    proposals = [
        Proposal(
            pot=pot,
            ward_id=pot.ward_id,
            title=title,
            summary=f"{title}, for everyone in the ward.",
            description=f"{title}. A description long enough for the proposal page.",
            cost=cost,
            category="community",
            status=status,
            latitude=place[0] if place else None,
            longitude=place[1] if place else None,
        )
        for title, cost, place in PROJECTS
    ]
    db.session.add_all(proposals)
    db.session.flush()
    return proposals


def main(out: str) -> None:
    app = create_app()
    with app.app_context():
        demo.seed()
        council = db.session.scalar(select(Council))
        hillcrest = db.session.scalar(select(Ward).where(Ward.name == "Hillcrest"))
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
        second = User(
            email="officer2@example.org",
            display_name="Olga Officer",
            password_hash=hash_password(PASSWORD),
            postcode="RV2 5GH",
            date_of_birth=date(1975, 3, 1),
            email_confirmed_at=officer.email_confirmed_at,
        )
        second.roles = [RoleGrant(role="officer", ward_id=None)]
        db.session.add(second)
        for js in ("js", "nojs"):  # one voter per run of the keyboard-only test
            db.session.add(
                User(
                    email=f"keys-{js}@example.org",
                    display_name=f"Kim Keys {js}",
                    password_hash=second.password_hash,
                    postcode="RV2 4DE",
                    date_of_birth=date(1990, 1, 1),
                    email_confirmed_at=officer.email_confirmed_at,
                )
            )
        ids: dict = {"approval": db.session.scalar(select(Pot.id).where(Pot.phase == "voting"))}

        for key, settings in VOTING_POTS.items():
            pot = _pot(council, hillcrest, f"Hillcrest {key} fund", **settings)
            _projects(pot, "on_ballot")
            change_phase(pot, "open_voting", admin)
            ids[key] = pot.id
        # Supports, comments and follows (issue 18): a pot open for supports, and a resident
        # of Hillcrest for each run of that journey.
        pot = _pot(
            council,
            hillcrest,
            "Hillcrest supports fund",
            phase="supports",
            supports_rule="minimum",
            supports_number=1,
        )
        ids["supports_proposals"] = [p.id for p in _projects(pot, "submitted")]
        ids["supports"] = pot.id
        for js in ("js", "nojs"):
            db.session.add(
                User(
                    email=f"talk-{js}@example.org",
                    display_name=f"Tara Talk {js}",
                    password_hash=second.password_hash,
                    postcode="RV2 4DE",
                    date_of_birth=date(1990, 1, 1),
                    email_confirmed_at=officer.email_confirmed_at,
                )
            )
        ids["ideas"] = _pot(council, hillcrest, "Hillcrest ideas fund", phase="proposals").id
        for js in ("js", "nojs"):
            pot = _pot(council, hillcrest, f"Hillcrest panel fund {js}", max_picks=2)
            _projects(pot, "submitted")
            ids[f"review-{js}"] = pot.id

        # A published pot for the auditor: paper ballots entered twice, tallied, published.
        pot = _pot(council, hillcrest, "Hillcrest published fund", max_picks=2)
        first, second_p, *_ = _projects(pot, "on_ballot")
        change_phase(pot, "open_voting", admin)
        for n in range(3):
            voter = PaperVoter(
                name=f"Paper Voter {n}", postcode="RV2 4DE", date_of_birth=date(1950 + n, 1, 1)
            )
            record_paper_voter(pot, officer, voter)
        for who in (officer, second):
            enter_batch(pot, who, 1, [[first.id], [first.id, second_p.id], [second_p.id]])
        change_phase(pot, "close_voting", admin)
        open_envelopes(pot, admin, KEYS[pot.name].codes)
        run_tally(pot, admin)
        publish(pot, admin)
        ids["published"] = pot.id
        # A delivery update on a funded project, for the comments under it.
        funded = next(p for p in (first, second_p) if delivery.is_funded(p))
        delivery.add_update(
            funded,
            admin,
            status="in_progress",
            progress=40,
            text="Benches ordered.",
            on=date.today(),
        )
        ids["delivered"] = funded.id
        db.session.commit()
        # Languages (tests/e2e/test_languages.py): a Welsh resident votes in a pot whose text
        # is in Welsh; a Polish panel member opens and publishes another.
        pot = _pot(council, hillcrest, "Hillcrest Welsh fund", max_picks=2)
        pot.translations = {
            "cy": {"name": "Cronfa Gymraeg Hillcrest", "description": "Arian i'r ward."}
        }
        for proposal, welsh in zip(
            _projects(pot, "on_ballot"),
            (
                "Meinciau wrth y pwll",
                "Plannu bylbiau",
                "Trwsio'r safle bws",
                "Llyfrau i'r llyfrgell",
            ),
            strict=True,
        ):
            proposal.translations = {"cy": {"title": welsh, "summary": f"{welsh}, i bawb."}}
        change_phase(pot, "open_voting", admin)
        ids["welsh"] = pot.id
        for js in ("js", "nojs"):
            pot = _pot(council, hillcrest, f"Hillcrest Polish fund {js}", max_picks=2)
            pot.translations = {"pl": {"name": f"Pula Hillcrest {js}"}}
            _projects(pot, "on_ballot")
            ids[f"polish-{js}"] = pot.id
            ids[f"polish-key-{js}"] = KEYS[pot.name].codes
        # The showcase election in złoty, as `make run` imports it from pb/demo_data.
        name = demo.import_real_election()
        ids["real"] = db.session.scalar(select(Pot.id).where(Pot.name == name))
    with open(out, "w") as f:
        json.dump(ids, f)


if __name__ == "__main__":
    main(sys.argv[1])
