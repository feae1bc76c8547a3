"""Demo data: a council with three wards, a pot in each phase that residents meet, accounts.

Used by `make run` (through `pb demo`) so that a new user has something to click through.
"""

import os
from datetime import date, timedelta
from pathlib import Path

import click
from flask_babel import gettext as _
from sqlalchemy import select

from pb import transaction
from pb.assets.services import propose_asset, review_asset
from pb.audit import chain, package, signing
from pb.auth.models import ROLES, RoleGrant, User
from pb.auth.services import hash_password
from pb.councils.models import Council, Postcode, Ward
from pb.extensions import db
from pb.money import format_money
from pb.places.boundaries import import_boundaries
from pb.places.geometry import Place
from pb.pots.models import Phase, Pot, Round
from pb.proposals.models import Proposal
from pb.results.imports import import_pabulib
from pb.timeutil import today, utcnow
from pb.voting import sealing

DEMO_PASSWORD = "demo-password"  # printed by `pb demo`; for the demo database only

WARDS = [
    ("Riverside", "E05900001", 11850, ["RV1 1AA", "RV1 1AB", "RV1 2BD", "RV1 3CX"]),
    ("Hillcrest", "E05900002", 9420, ["RV2 4DE", "RV2 4DF", "RV2 5GH"]),
    ("Old Town", "E05900003", 13210, ["RV3 6JK", "RV3 6JL", "RV3 7MN"]),
]
# Invented places inside the invented wards of demo_data/wards.geojson (latitude, longitude).
POSTCODE_PLACES = {
    "RV1 1AA": (52.052, -1.045), "RV1 1AB": (52.060, -1.050), "RV1 2BD": (52.040, -1.035),
    "RV1 3CX": (52.066, -1.030), "RV2 4DE": (52.058, -1.005), "RV2 4DF": (52.064, -0.995),
    "RV2 5GH": (52.054, -0.990), "RV3 6JK": (52.036, -1.005), "RV3 6JL": (52.040, -0.995),
    "RV3 7MN": (52.033, -0.990),
}  # fmt: skip
PROPOSAL_PLACES = {
    "Benches along Hillcrest Walk": (52.061, -1.010),
    "Hillcrest community orchard": (52.067, -0.998),
    "Youth club Friday sessions": (52.056, -0.992),
    "Safer crossing at Mill Lane": (52.053, -1.013),
    "Riverside path lighting": (52.045, -1.050),
    "Play area refresh": (52.062, -1.040),
    "Market square planters": (52.037, -1.002),
    "Heritage trail signs": (52.041, -1.010),
}
ASSETS = [
    # name, kind, offers, (lat, lon), contact, opening, approved
    (
        "Hillcrest Community Centre",
        "hall",
        "Main hall for 80 people and a kitchen, free to community groups on weekday mornings.",
        (52.057, -1.001),
        "bookings@hillcrest-centre.example.org",
        "Monday to Saturday, 9am to 9pm.",
        True,
    ),
    (
        "Old Town Library meeting room",
        "premises",
        "A council meeting room for 20, free for residents' groups; projector and hearing loop.",
        (52.038, -0.998),
        "library@riverside.example.gov.uk",
        "Tuesday to Friday, 10am to 5pm.",
        True,
    ),
    (
        "Riverside Growers",
        "group",
        "Volunteers who help neighbours start and keep food gardens; tools to lend.",
        (52.048, -1.044),
        "riversidegrowers@example.org",
        "Saturday mornings at the allotments.",
        True,
    ),
    (
        "St Mark's church garden",
        "garden",
        "A walled garden the church would open for community events.",
        (52.064, -1.003),
        "01234 567890",
        "",
        False,
    ),
]

# email, name, postcode, roles (role, ward code or None)
ACCOUNTS: list[tuple[str, str, str, list[tuple[str, str | None]]]] = [
    ("resident@example.org", "Rita Resident", "RV2 4DE", []),
    ("neighbour@example.org", "Neil Neighbour", "RV1 1AA", []),
    (
        "panel@example.org",
        "Priya Panel",
        "RV2 4DF",
        [("panel", "Hillcrest"), ("panel", "Riverside")],
    ),
    ("officer@example.org", "Omar Officer", "RV2 5GH", [("officer", None)]),
    ("auditor@example.org", "Ada Auditor", "RV3 6JL", [("auditor", None)]),
    ("admin@example.org", "Alex Admin", "RV3 6JK", [("admin", None)]),
]

PROPOSALS = {
    # pot ward -> (title, summary, cost in pounds, category, status)
    "Hillcrest": [
        (
            "Benches along Hillcrest Walk",
            "Six benches so older residents can rest on the way to the shops.",
            9_000,
            "older-people",
            "on_ballot",
        ),
        (
            "Hillcrest community orchard",
            "Plant twenty fruit trees on the green by the school, looked after by volunteers.",
            12_500,
            "environment",
            "on_ballot",
        ),
        (
            "Youth club Friday sessions",
            "A year of Friday evening sessions at the community centre with two youth workers.",
            18_000,
            "young-people",
            "on_ballot",
        ),
        (
            "Safer crossing at Mill Lane",
            "Build out the kerbs and add a zebra crossing by the nursery.",
            24_000,
            "transport",
            "on_ballot",
        ),
        (
            "Library story-time kit",
            "Books, cushions and a projector for weekly story-time.",
            3_500,
            "culture",
            "on_ballot",
        ),
    ],
    "Riverside": [
        (
            "Riverside path lighting",
            "Low-level solar lights along the river path from the bridge to the park.",
            15_000,
            "safety",
            "submitted",
        ),
        (
            "Play area refresh",
            "Replace the broken swings and add an accessible roundabout.",
            22_000,
            "young-people",
            "submitted",
        ),
    ],
    "Old Town": [
        (
            "Market square planters",
            "Large planters with pollinator-friendly plants.",
            6_000,
            "environment",
            "submitted",
        ),
        (
            "Heritage trail signs",
            "Ten signs telling the story of the Old Town's buildings.",
            8_000,
            "culture",
            "submitted",
        ),
        (
            "Community fridge",
            "A fridge and volunteers to share surplus food.",
            4_000,
            "community",
            "submitted",
        ),
    ],
}


def seed() -> dict[str, str] | None:
    """Add the demo data to an empty database; None when it already has a council.

    Returns the ballot key of the demo's voting pot ({pot name: key code}), to print for
    whoever tries the demo: a real council's key is only ever shown to its holders.
    """
    if db.session.scalar(select(Council.id).limit(1)) is not None:
        return None
    council = Council(
        name="Riverside Borough Council",
        annual_budget=248_000_000_00,
        currency="GBP",
        country="United Kingdom",
    )
    db.session.add(council)
    wards = {}
    for name, code, population, postcodes in WARDS:
        ward = Ward(council=council, name=name, code=code, population=population)
        ward.postcodes = [Postcode(postcode=pc) for pc in postcodes]
        wards[name] = ward
    for ward in wards.values():
        for known in ward.postcodes:
            known.latitude, known.longitude = POSTCODE_PLACES[known.postcode]
    db.session.add_all(wards.values())
    db.session.flush()  # ward ids, for the role grants below
    # Invented boundaries for the invented wards, imported as `pb import-wards` would.
    import_boundaries((DEMO_DATA / "wards.geojson").read_text(), council)
    key = signing.create(council)  # what `pb signing-key create` does for a real council
    click.echo(
        _("%(name)s: signing key %(fingerprint)s", name=council.name, fingerprint=key.fingerprint)
    )

    start = today()
    phases = {"Hillcrest": "voting", "Riverside": "proposals", "Old Town": "review"}
    this_round = Round(council=council, name=str(start.year))
    keys = {}
    pots = {}
    for name, ward in wards.items():
        pot = Pot(
            council=council,
            ward=ward,
            name=f"{name} Community Fund {start.year}",
            description=f"{format_money(50_000_00, council.currency)} for projects chosen by "
            f"the people of {name}.",
            amount=50_000_00,
            year=start.year,
            phase=phases[name],
            min_picks=1,
            max_picks=3,
            min_age=16,
            rule="greedy",
            round=this_round,
            **_timeline(start, phases[name]),
        )
        if pot.phase == Phase.VOTING:
            ballot_key = sealing.new_key()
            pot.sealing_key, pot.key_holders, pot.key_threshold = ballot_key.public_hex, 1, 1
            pot.key_confirmed_at = utcnow()
            keys[pot.name] = ballot_key.codes[0]
            pot.commit_to_seed()
            pot.voting_opened_at = utcnow()
        pots[name] = pot
    db.session.add_all(pots.values())
    db.session.flush()
    for pot in pots.values():
        if pot.phase == Phase.VOTING:  # as opening voting does: commit to the seed and the key
            chain.append(pot, "voting_opened", chain.sha256_hex(chain.opening_payload(pot)))

    users = {}
    for email, display_name, postcode, roles in ACCOUNTS:
        user = User(
            email=email,
            display_name=display_name,
            password_hash=hash_password(DEMO_PASSWORD),
            postcode=postcode,
            date_of_birth=date(1980, 5, 17),
            email_confirmed_at=utcnow(),
        )
        user.roles = [
            RoleGrant(role=role, ward_id=wards[ward].id if ward else None) for role, ward in roles
        ]
        users[email] = user
        db.session.add(user)

    proposer = users["neighbour@example.org"]
    for name, kind, offers, (lat, lon), contact, opening, approved in ASSETS:
        asset = propose_asset(
            council,
            proposer,
            Place(lat, lon),
            name=name,
            kind=kind,
            offers=offers,
            address="",
            contact=contact,
            opening=opening,
        )
        if approved:
            review_asset(asset, users["panel@example.org"], approve=True, reason="")
    for ward_name, items in PROPOSALS.items():
        for title, summary, pounds, category, status in items:
            spot: tuple[float | None, float | None] = PROPOSAL_PLACES.get(title, (None, None))
            db.session.add(
                Proposal(
                    pot=pots[ward_name],
                    ward_id=wards[ward_name].id,
                    proposer=proposer,
                    title=title,
                    summary=summary,
                    description=f"{summary} Proposed by residents of {ward_name}.",
                    cost=pounds * 100,
                    category=category,
                    status=status,
                    latitude=spot[0],
                    longitude=spot[1],
                )
            )
    transaction.commit()
    return keys


REAL_ELECTION = "poland_wieliczka_2023.pb"
# Shipped with pb (its source and attribution in pb/demo_data/README.md).
DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


def pabulib_dir() -> Path:
    """Where the showcase election is: PB_PABULIB_DIR when set, else pb's own copy."""
    return Path(os.environ.get("PB_PABULIB_DIR", DEMO_DATA))


def import_real_election() -> str | None:
    """Import Wieliczka's Green Million 2023 as a published pot (None if the file is gone)."""
    path = pabulib_dir() / REAL_ELECTION
    if not path.exists():
        return None
    pot = import_pabulib(path)
    signing.create_if_missing(pot.council)
    transaction.commit()
    package.store(pot)
    return pot.name


def _timeline(start: date, phase: str) -> dict:
    """Planned dates around today that fit the pot's current phase."""
    offset = {"proposals": 0, "review": -30, "voting": -45}[phase]
    base = start + timedelta(days=offset - 14)
    return {
        "proposals_open_on": base,
        "review_starts_on": base + timedelta(days=28),
        "voting_opens_on": base + timedelta(days=49),
        "voting_closes_on": base + timedelta(days=70),
        "results_on": base + timedelta(days=77),
    }


def print_logins() -> None:
    click.echo(_("Demo accounts (password for all: %(password)s):", password=DEMO_PASSWORD))
    for email, name, postcode, roles in ACCOUNTS:
        what = ", ".join(
            _("%(role)s for %(ward)s", role=ROLES[r], ward=w) if w else str(ROLES[r])
            for r, w in roles
        )
        what = what or _("Resident")
        click.echo(f"  {email:<24} {name:<16} {postcode}  {what}")
