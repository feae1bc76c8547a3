"""The supports phase: residents support proposals once each; the panel's rule decides which go
on to the review, and the outcome is public with its counts."""

from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.conversation import supports
from pb.conversation.models import Follow, Support
from pb.extensions import db
from pb.pots.models import PhaseError
from tests.factories import PASSWORD, make_pot, make_proposal, make_user


def _as(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _supports_pot(world, rule="top", number=1):
    pot = make_pot(world.council, world.north, phase="proposals", name="North ideas 2")
    ideas = {
        "Park": make_proposal(pot, status="submitted", category="environment", title="Park"),
        "Trees": make_proposal(pot, status="submitted", category="environment", title="Trees"),
        "Bus": make_proposal(pot, status="submitted", category="transport", title="Bus"),
    }
    return pot, ideas


def test_the_panel_runs_a_supports_phase_and_the_rule_decides(app, world, outbox):
    pot, ideas = _supports_pot(world)
    panel = _as(app, make_user(roles=[("panel", world.north.id)]))
    saved = panel.post(f"/panel/pots/{pot.id}/supports", data={"rule": "top", "number": "1"})
    assert saved.status_code == 303
    # With a supports rule, proposals close into supports, not straight into review.
    page = panel.get(f"/panel/pots/{pot.id}").text
    assert "Close proposals and open supports" in page and "start review" not in page
    refused = panel.post(f"/panel/pots/{pot.id}/phase", data={"action": "start_review"})
    assert refused.status_code == 409
    assert (
        panel.post(f"/panel/pots/{pot.id}/phase", data={"action": "open_supports"}).status_code
        == 303
    )
    db.session.refresh(pot)
    assert pot.phase == "supports"

    residents = [make_user() for _ in range(3)]
    for n, user in enumerate(residents):
        client = _as(app, user)
        assert client.post(f"/proposals/{ideas['Park'].id}/support").status_code == 303
        if n == 0:
            assert client.post(f"/proposals/{ideas['Trees'].id}/support").status_code == 303
            assert client.post(f"/proposals/{ideas['Bus'].id}/support").status_code == 303
    # Twice is still once.
    again = _as(app, residents[0]).post(f"/proposals/{ideas['Park'].id}/support")
    assert again.status_code == 303
    assert supports.counts(pot) == {ideas["Park"].id: 3, ideas["Trees"].id: 1, ideas["Bus"].id: 1}
    # Supporting follows the proposal.
    assert db.session.scalar(
        select(Follow).where(
            Follow.user_id == residents[1].id, Follow.target == f"proposal:{ideas['Park'].id}"
        )
    )
    live = app.test_client().get(f"/pots/{pot.id}/supports").text
    assert "Supports are still open" in live

    assert (
        panel.post(f"/panel/pots/{pot.id}/phase", data={"action": "start_review"}).status_code
        == 303
    )
    for proposal in ideas.values():
        db.session.refresh(proposal)
    assert pot.phase == "review"
    # Top 1 per category: Park (environment) and Bus (transport) go on; Trees does not.
    assert ideas["Park"].status == "submitted" and ideas["Bus"].status == "submitted"
    assert ideas["Trees"].status == "not_shortlisted"
    outcome = app.test_client().get(f"/pots/{pot.id}/supports").text
    assert "Not enough supports" in outcome and "Went forward" in outcome
    assert ">3</td>" in outcome  # the counts are shown
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.type == "pot.supports_closed", AuditEvent.pot_id == pot.id
        )
    )
    assert event.payload["counts"][str(ideas["Park"].id)] == 3
    # Supporters hear the result; the mail has counts and no one's name.
    mail = outbox.last_to(residents[1].email)
    assert mail.subject == f"Supports result: {pot.name}"
    assert "Park: 3 supports" in mail.body and "Trees: 1 support" in mail.body
    assert residents[0].display_name not in mail.body


def test_top_n_keeps_everyone_tied_with_the_last_place(app, world):
    pot, ideas = _supports_pot(world)
    pot.supports_rule, pot.supports_number, pot.phase = "top", 1, "supports"
    db.session.commit()
    for title in ("Park", "Trees"):
        db.session.add(Support(proposal_id=ideas[title].id, user_id=make_user().id))
    db.session.commit()
    result = supports.outcome(pot)
    forward = {row.proposal.title for row in result.rows if row.forward}
    assert forward == {"Park", "Trees", "Bus"}  # Park and Trees tie at 1; Bus leads transport


def test_at_least_k_supports(app, world):
    pot, ideas = _supports_pot(world)
    pot.supports_rule, pot.supports_number, pot.phase = "minimum", 2, "supports"
    db.session.commit()
    for _ in range(2):
        db.session.add(Support(proposal_id=ideas["Bus"].id, user_id=make_user().id))
    db.session.add(Support(proposal_id=ideas["Park"].id, user_id=make_user().id))
    db.session.commit()
    forward = {row.proposal.title for row in supports.outcome(pot).rows if row.forward}
    assert forward == {"Bus"}


def test_only_eligible_residents_support_and_only_while_open(app, world):
    pot, ideas = _supports_pot(world)
    pot.supports_rule, pot.supports_number = "minimum", 1
    db.session.commit()
    resident = make_user()
    client = _as(app, resident)
    assert client.post(f"/proposals/{ideas['Park'].id}/support").status_code == 409  # not open
    pot.phase = "supports"
    db.session.commit()
    outsider = _as(app, make_user(postcode="AB2 2BB"))  # lives in South
    assert outsider.post(f"/proposals/{ideas['Park'].id}/support").status_code == 409
    unconfirmed = _as(app, make_user(confirmed=False))
    assert unconfirmed.post(f"/proposals/{ideas['Park'].id}/support").status_code == 409
    anonymous = app.test_client().post(f"/proposals/{ideas['Park'].id}/support")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert supports.counts(pot) == {}
    assert client.post(f"/proposals/{ideas['Park'].id}/support").status_code == 303
    assert (
        client.post(
            f"/proposals/{ideas['Park'].id}/support", data={"action": "withdraw"}
        ).status_code
        == 303
    )
    assert supports.counts(pot) == {}


def test_the_rule_is_fixed_once_supports_open_and_bad_input_changes_nothing(app, world):
    pot, _ = _supports_pot(world)
    panel = _as(app, make_user(roles=[("panel", world.north.id)]))
    for data in (
        {"rule": "top"},  # no number
        {"rule": "top", "number": "0"},
        {"rule": "top", "number": "9" * 30},
        {"rule": "<script>", "number": "1"},
        {"rule": "minimum", "number": "-3"},
        {"rule": "minimum", "number": "1\x00"},
    ):
        response = panel.post(f"/panel/pots/{pot.id}/supports", data=data)
        assert response.status_code in (400, 422), data  # NUL bytes: 400 before any form
        assert "<script>" not in response.text
    db.session.refresh(pot)
    assert pot.supports_rule is None
    pot.supports_rule, pot.supports_number, pot.phase = "top", 2, "supports"
    db.session.commit()
    late = panel.post(f"/panel/pots/{pot.id}/supports", data={"rule": "minimum", "number": "5"})
    assert late.status_code == 409
    db.session.refresh(pot)
    assert (pot.supports_rule, pot.supports_number) == ("top", 2)
    other_panel = _as(app, make_user(roles=[("panel", world.south.id)]))
    assert other_panel.get(f"/panel/pots/{pot.id}/supports").status_code == 403


def test_opening_supports_needs_a_rule(world):
    pot = make_pot(world.council, world.north, phase="proposals")
    try:
        pot.open_supports()
    except PhaseError as exc:
        assert "supports rule" in str(exc)
    else:
        raise AssertionError("opened supports without a rule")


def test_a_pot_without_supports_has_no_outcome_page(app, world):
    assert app.test_client().get(f"/pots/{world.voting_pot.id}/supports").status_code == 404
