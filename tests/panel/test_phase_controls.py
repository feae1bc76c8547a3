"""Phase controls that prevent mistakes, and paper ballots that reconcile with paper voters."""

from datetime import timedelta

from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.extensions import db
from pb.timeutil import today
from tests.factories import make_user, record_paper_voters


def _panel(login, world):
    login(make_user(roles=[("panel", world.north.id)]))


def test_only_the_possible_step_is_offered(client, login, world):
    _panel(login, world)
    page = client.get(f"/panel/pots/{world.voting_pot.id}").text
    assert 'value="close_voting"' in page
    for other in ("open_proposals", "start_review", "open_voting"):
        assert f'value="{other}"' not in page
    refused = client.post(
        f"/panel/pots/{world.voting_pot.id}/phase", data={"action": "open_proposals"}
    )
    assert refused.status_code == 409 and "not possible now" in refused.text
    assert world.voting_pot.phase == "voting"


def test_closing_early_asks_for_a_reason_and_a_confirmation(client, login, world):
    pot = world.voting_pot
    pot.voting_closes_on = today() + timedelta(days=11)
    db.session.commit()
    _panel(login, world)
    url = f"/panel/pots/{pot.id}/phase"
    asked = client.post(url, data={"action": "close_voting"})
    assert asked.status_code == 200 and "are you sure?" in asked.text
    assert "planned to close on" in asked.text
    assert pot.phase == "voting"
    unticked = client.post(url, data={"action": "close_voting", "reason": "Flooding at hubs"})
    assert unticked.status_code == 422 and "Tick the box" in unticked.text
    no_reason = client.post(url, data={"action": "close_voting", "reason": "", "confirm": "y"})
    assert no_reason.status_code == 422 and pot.phase == "voting"
    done = client.post(
        url, data={"action": "close_voting", "reason": "Flooding at the hubs", "confirm": "y"}
    )
    assert done.status_code == 303 and pot.phase == "closed"
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.type == "pot.phase_changed", AuditEvent.pot_id == pot.id
        )
    )
    assert event.payload["reason"] == "Flooding at the hubs"


def test_closing_on_the_planned_day_needs_no_confirmation(client, login, world):
    pot = world.voting_pot
    pot.voting_closes_on = today()
    db.session.commit()
    _panel(login, world)
    response = client.post(f"/panel/pots/{pot.id}/phase", data={"action": "close_voting"})
    assert response.status_code == 303 and pot.phase == "closed"


def test_a_batch_cannot_outnumber_the_paper_voters(client, login, world):
    pot = world.voting_pot
    login(make_user(roles=[("officer", None)]))
    a, b = world.on_ballot[:2]
    ballots = "\n".join([str(a.id), str(b.id), str(a.id)])
    refused = client.post(
        f"/panel/pots/{pot.id}/paper/batches", data={"number": "1", "ballots": ballots}
    )
    assert refused.status_code == 409
    assert "Batch 1 has 3 ballots, but only 0 paper voters are recorded" in refused.text
    record_paper_voters(client, pot, 3)
    assert (
        client.post(
            f"/panel/pots/{pot.id}/paper/batches", data={"number": "1", "ballots": ballots}
        ).status_code
        == 303
    )
    client.post("/logout")
    login(make_user(roles=[("officer", None)]))
    client.post(f"/panel/pots/{pot.id}/paper/batches", data={"number": "1", "ballots": ballots})
    assert "Counted" in client.get(f"/panel/pots/{pot.id}/paper/batches/1").text
    # All three paper voters' ballots are in: one more ballot is refused.
    more = client.post(
        f"/panel/pots/{pot.id}/paper/batches", data={"number": "2", "ballots": str(a.id)}
    )
    assert more.status_code == 409 and "3 paper ballots are counted already" in more.text


def test_a_second_open_voting_is_refused_and_keeps_the_seed(client, login, world):
    """Two panel members click "Open voting" at once: the second finds it open."""
    from tests.factories import make_key_through, make_pot, make_proposal

    pot = make_pot(world.council, world.north, phase="review")
    make_proposal(pot)
    _panel(login, world)
    make_key_through(client, pot)
    url = f"/panel/pots/{pot.id}/phase"
    assert client.post(url, data={"action": "open_voting"}).status_code == 303
    seed = pot.seed
    assert client.post(url, data={"action": "open_voting"}).status_code == 409
    assert pot.seed == seed
    again = client.post(f"/panel/pots/{pot.id}/key", data={"holders": "1", "threshold": "1"})
    assert again.status_code == 409 and pot.phase == "voting"
