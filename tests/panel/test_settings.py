"""Saving a pot's settings through the form (no browser): what is saved, and what is refused."""

from pb.audit.models import AuditEvent
from pb.extensions import db
from pb.pots.models import BallotMethod
from tests.factories import make_pot, make_user
from tests.panel.test_ward_move import _settings


def test_the_panel_saves_the_pots_settings(client, login, world):
    pot = make_pot(world.council, world.north, phase="draft")
    login(make_user(roles=[("panel", world.north.id)]))
    path = f"/panel/pots/{pot.id}/settings"
    changes = {"name": "North green fund", "amount": "2500.50", "ballot_method": "ranked",
               "min_picks": "1", "max_picks": "3", "min_age": "16"}  # fmt: skip
    response = client.post(path, data=_settings(pot, **changes))
    assert response.status_code == 303
    db.session.refresh(pot)
    assert (pot.name, pot.amount, pot.max_picks, pot.min_age) == (
        "North green fund", 250_050, 3, 16
    )  # fmt: skip
    assert pot.ballot_method is BallotMethod.RANKED
    logged = db.session.scalars(db.select(AuditEvent).where(AuditEvent.pot_id == pot.id)).all()
    assert logged, "the change is in the pot's audit log"


def test_a_settings_form_with_errors_says_so_and_changes_nothing(client, login, world):
    pot = make_pot(world.council, world.north, phase="draft", name="Kept name")
    login(make_user(roles=[("panel", world.north.id)]))
    path = f"/panel/pots/{pot.id}/settings"
    response = client.post(
        path, data=_settings(pot, name="Not saved", min_picks="4", max_picks="2", amount="0")
    )
    assert response.status_code == 422
    assert "The most must be at least the fewest." in response.text
    assert "The amount must be more than" in response.text
    db.session.refresh(pot)
    assert (pot.name, pot.max_picks) == ("Kept name", None)
