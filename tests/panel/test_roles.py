import pytest
import sqlalchemy.exc
from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.auth.models import RoleGrant
from pb.extensions import db
from tests.factories import make_user


def test_an_admin_gives_and_removes_roles(client, login, world):
    admin = make_user(roles=[("admin", None)])
    member = make_user(email="new.panel@example.org")
    login(admin)
    response = client.post(
        "/panel/roles/",
        data={
            "email": "new.panel@example.org",
            "role": "panel",
            "ward_id": str(world.south.id),
            "pot_id": "",
        },
    )
    assert response.status_code == 303
    assert member.has_role("panel", world.south.id) and not member.has_role("panel", world.north.id)
    page = client.get(response.headers["Location"]).text
    assert "new.panel@example.org now has the role: Ward panel member." in page
    again = client.post(
        "/panel/roles/",
        data={
            "email": "new.panel@example.org",
            "role": "panel",
            "ward_id": str(world.south.id),
            "pot_id": "",
        },
    )
    assert again.status_code == 422 and "already has this role" in again.text
    unknown = client.post("/panel/roles/", data={"email": "nobody@example.org", "role": "auditor"})
    assert unknown.status_code == 422

    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == member.id))
    assert client.post(f"/panel/roles/{grant.id}/revoke").status_code == 303
    db.session.expire_all()
    assert not member.roles
    types = db.session.scalars(select(AuditEvent.type).where(AuditEvent.actor_id == admin.id)).all()
    assert types.count("role.granted") == 1 and types.count("role.revoked") == 1


def test_an_auditor_reads_but_cannot_act(client, login, world):
    login(make_user(roles=[("auditor", None)]))
    pot = world.voting_pot
    page = client.get(f"/panel/pots/{pot.id}")
    assert page.status_code == 200
    assert "Open voting" not in page.text  # no phase buttons for a reader
    assert client.get(f"/panel/pots/{pot.id}/audit").status_code == 200
    assert (
        client.post(f"/panel/pots/{pot.id}/phase", data={"action": "close_voting"}).status_code
        == 403
    )
    assert pot.phase == "voting"


@pytest.mark.parametrize("ward, pot", [(False, False), (True, False), (False, True)])
def test_the_database_refuses_a_second_identical_grant_with_null_ward_or_pot(world, ward, pot):
    """The unique key alone never fired with a NULL ward or pot; the partial indexes do, so
    two admins granting at once cannot make a duplicate (the form's message comes from it)."""
    user = make_user()
    ward_id = world.north.id if ward else None
    pot_id = world.voting_pot.id if pot else None
    role = "officer" if pot else "panel"
    db.session.add(RoleGrant(user_id=user.id, role=role, ward_id=ward_id, pot_id=pot_id))
    db.session.flush()
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.session.begin_nested():
        db.session.add(RoleGrant(user_id=user.id, role=role, ward_id=ward_id, pot_id=pot_id))


def test_the_audit_log_reads_in_words_with_names_and_dates(client, login, world):
    from tests.factories import make_pot, make_proposal

    pot = make_pot(world.council, world.north, phase="review")
    panel = make_user(roles=[("panel", world.north.id)], display_name="Priya Patel")
    keep = make_proposal(pot, status="feasible", title="Keep this one")
    duplicate = make_proposal(pot, status="submitted")
    login(panel)
    merged = client.post(
        f"/panel/proposals/{duplicate.id}/merge", data={"into": str(keep.id), "confirm": "y"}
    )
    assert merged.status_code == 303
    page = client.get(f"/panel/pots/{pot.id}/audit").text
    assert "A proposal was merged into another" in page and "Priya Patel" in page
    assert "proposal.merged" not in page  # no event codes
    assert "{&#34;" not in page and '{"' not in page  # no raw JSON
