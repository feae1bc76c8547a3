import hashlib
import re
from pathlib import Path

from sqlalchemy import func, select

from pb import demo
from pb.auth.models import User
from pb.councils.models import Ward
from pb.extensions import db
from pb.pots.models import Pot
from pb.voting.sealing import private_key_for
from tests.conftest import link_in


def test_demo_seeds_an_empty_database_once():
    keys = demo.seed()
    assert demo.seed() is None
    hillcrest = db.session.scalar(select(Pot).where(Pot.phase == "voting"))
    # The printed key opens the voting pot's ballots; pb stored only its public half.
    assert private_key_for(hillcrest, [keys[hillcrest.name]])
    assert keys[hillcrest.name] not in str(hillcrest.__dict__)
    assert db.session.scalar(select(func.count()).select_from(Ward)) == 3
    phases = sorted(db.session.scalars(select(Pot.phase)))
    assert phases == ["proposals", "review", "voting"]
    assert all(len(w.postcodes) >= 3 for w in db.session.scalars(select(Ward)))


def test_a_new_user_can_follow_the_demo(client, outbox):
    """The README's walk-through: register in Hillcrest, confirm, vote in its pot."""
    demo.seed()
    response = client.post(
        "/register",
        data={
            "email": "new@example.org",
            "display_name": "New Resident",
            "postcode": "RV2 4DE",
            "date_of_birth": "1990-06-01",
            "password": "my demo password",
            "confirm": "my demo password",
        },
    )
    assert response.status_code == 302
    client.get(link_in(outbox.last_to("new@example.org").body))
    client.post("/login", data={"email": "new@example.org", "password": "my demo password"})

    hillcrest = db.session.scalar(select(Pot).where(Pot.phase == "voting"))
    ballot = client.get(f"/pots/{hillcrest.id}/ballot")
    assert ballot.status_code == 200
    choice = re.search(r'name="choices" value="(\d+)"', ballot.text).group(1)
    review = client.post(
        f"/pots/{hillcrest.id}/ballot", data={"choices": [choice]}, follow_redirects=True
    )
    nonce = re.search(r'name="nonce" value="([^"]+)"', review.text).group(1)
    cast = client.post(
        f"/pots/{hillcrest.id}/ballot/cast", data={"choices": [choice], "nonce": nonce}
    )
    assert "Your vote is recorded" in client.get(cast.headers["Location"]).text

    riverside = db.session.scalar(select(Pot).where(Pot.phase == "proposals"))
    client.post("/account", data={"display_name": "New Resident", "postcode": "RV1 1AA"})
    response = client.post(
        f"/pots/{riverside.id}/proposals/new",
        data={
            "title": "Riverside book swap",
            "summary": "A little library box on the river path.",
            "description": "Two weatherproof book swap boxes, built by the local school.",
            "cost": "450",
            "category": "culture",
        },
    )
    assert response.status_code == 303


def test_demo_accounts_can_log_in(client):
    demo.seed()
    for email, *_ in demo.ACCOUNTS:
        response = client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin.has_role("panel", ward_id=123)


def test_the_showcase_election_ships_with_pb_and_names_its_source(monkeypatch):
    """A fresh clone without ../shared still shows Wieliczka's real election."""
    monkeypatch.delenv("PB_PABULIB_DIR", raising=False)
    folder = demo.pabulib_dir()
    assert folder == Path(demo.__file__).parent / "demo_data"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "pabulib.org" in readme and "arXiv:2012.06539" in readme
    digest = hashlib.sha256((folder / demo.REAL_ELECTION).read_bytes()).hexdigest()
    assert digest in readme  # the copy is the source's file, byte for byte
    demo.seed()
    name = demo.import_real_election()
    assert name == "Municipal PB in Wieliczka, Green Budget (Zielony Milion)"
    pot = db.session.scalar(select(Pot).where(Pot.name == name))
    assert pot.phase == "published" and pot.currency == "PLN"
