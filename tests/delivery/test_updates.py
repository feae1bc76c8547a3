"""We said, we did: the panel's dated delivery updates and the timeline on project pages."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pb.audit.models import AuditEvent
from pb.extensions import db
from pb.proposals.models import DeliveryUpdate
from pb.timeutil import today
from tests.factories import PASSWORD, make_user
from tests.html import markup
from tests.results.published import published_pot, summary, text_of


@pytest.fixture
def pot(world):
    """North, £1,000, greedy: the garden (3 votes, £600) and benches (2, £300) are funded;
    the crossing (1 vote, £500) no longer fits."""
    pot, proposals = published_pot(
        world.council,
        world.north,
        {"Garden": 60_000, "Benches": 30_000, "Crossing": 50_000},
        [["Garden", "Benches"], ["Garden"], ["Garden", "Crossing"], ["Benches"]],
        amount=100_000,
        name="North results",
    )
    pot.proposals = proposals
    return pot


@pytest.fixture
def garden(pot):
    return pot.proposals["Garden"]


@pytest.fixture
def panel(app, world):
    return _client(app, make_user(roles=[("panel", world.north.id)]))


def _client(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _update(panel, proposal, **fields):
    data = {"status": "in_progress", "progress": "40", "text": "Bulbs planted."}
    data["on"] = today().isoformat()
    data.update(fields)
    return panel.post(f"/panel/proposals/{proposal.id}/delivery", data=data)


def _written(proposal) -> tuple[int, int]:
    """(delivery updates, delivery audit events) stored for the proposal."""
    updates = db.session.scalar(
        select(func.count()).where(DeliveryUpdate.proposal_id == proposal.id)
    )
    events = [
        e
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.type == "delivery.updated"))
        if e.payload.get("proposal") == proposal.id
    ]
    return updates, len(events)


def _errors(page: str) -> str:
    found = re.search(r'<div class="govuk-error-summary".*?</div>', page, re.S)
    return text_of(found.group(0)) if found else ""


def test_the_panel_page_lists_funded_projects_as_not_started(panel, pot):
    page = panel.get(f"/panel/pots/{pot.id}/delivery")
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", markup(page.text), re.S)
    listed = [text_of(r) for r in rows if 'scope="row"' in r]
    assert [row.split(" £")[0] for row in listed] == ["Garden", "Benches"]
    assert all("Not started 0%" in row for row in listed)
    assert "Crossing" not in page.text


def test_an_update_moves_the_project_on_and_is_audited(panel, pot, garden):
    response = _update(panel, garden, progress="40", text="Bulbs planted by volunteers.")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/panel/pots/{pot.id}/delivery")
    db.session.refresh(garden)
    assert (garden.delivery_status, garden.delivery_progress) == ("in_progress", 40)
    update = db.session.scalar(
        select(DeliveryUpdate).where(DeliveryUpdate.proposal_id == garden.id)
    )
    assert (update.on, update.status, update.progress) == (today(), "in_progress", 40)
    assert update.text == "Bulbs planted by volunteers."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "delivery.updated"))
    assert event.pot_id == pot.id and event.actor_id is not None
    assert event.payload["proposal"] == garden.id
    assert (event.payload["status"], event.payload["progress"]) == ("in_progress", 40)


@pytest.mark.parametrize(
    ("status", "typed", "stored"),
    [("not_started", "0", 0), ("in_progress", "55", 55), ("delivered", "30", 100)],
)
def test_each_status(panel, garden, status, typed, stored):
    assert _update(panel, garden, status=status, progress=typed).status_code == 303
    db.session.refresh(garden)
    assert (garden.delivery_status, garden.delivery_progress) == (status, stored)
    assert garden.delivery_note is None


def test_delivered_needs_no_progress(panel, garden):
    assert _update(panel, garden, status="delivered", progress="").status_code == 303
    db.session.refresh(garden)
    assert garden.delivery_progress == 100


def test_cancelled_needs_a_reason(panel, garden):
    page = _update(panel, garden, status="cancelled", reason="  ")
    assert page.status_code == 422
    assert "Say why the project was cancelled." in _errors(page.text)
    assert _written(garden) == (0, 0)
    db.session.refresh(garden)
    assert garden.delivery_status is None

    page = _update(panel, garden, status="cancelled", reason="The land was sold.")
    assert page.status_code == 303
    db.session.refresh(garden)
    assert (garden.delivery_status, garden.delivery_note) == ("cancelled", "The land was sold.")
    assert _written(garden) == (1, 1)


def test_reviving_a_cancelled_project_clears_the_reason(panel, garden):
    _update(panel, garden, status="cancelled", reason="The land was sold.")
    assert _update(panel, garden, status="in_progress", progress="10").status_code == 303
    db.session.refresh(garden)
    assert (garden.delivery_status, garden.delivery_note) == ("in_progress", None)


@pytest.mark.parametrize("progress", ["-1", "101", "abc", "", "4.5"])
def test_progress_must_be_0_to_100(panel, garden, progress):
    page = _update(panel, garden, progress=progress)
    assert page.status_code == 422
    assert "whole number from 0 to 100" in _errors(page.text)
    assert _written(garden) == (0, 0)


@pytest.mark.parametrize("progress", ["0", "100"])
def test_progress_bounds_are_allowed(panel, garden, progress):
    assert _update(panel, garden, progress=progress).status_code == 303


def test_a_future_date_is_refused(panel, garden):
    tomorrow = today() + timedelta(days=1)
    page = _update(panel, garden, on=tomorrow.isoformat())
    assert page.status_code == 422
    assert "The date cannot be in the future." in _errors(page.text)
    assert _written(garden) == (0, 0)


def test_an_update_cannot_be_dated_before_the_latest(panel, garden):
    assert _update(panel, garden, on=today().isoformat()).status_code == 303
    page = _update(panel, garden, on=(today() - timedelta(days=3)).isoformat())
    assert page.status_code == 422
    assert "before the latest update" in _errors(page.text)
    assert _written(garden) == (1, 1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   "}, "Say what happened."),
        ({"status": "finished"}, "Choose the project's status."),
        ({"on": ""}, "Enter the date of the update."),
        ({"on": "2026-02-31"}, "Enter a real date"),
    ],
)
def test_bad_input_is_refused_field_by_field(panel, garden, fields, message):
    page = _update(panel, garden, **fields)
    assert page.status_code == 422
    assert message in _errors(page.text)
    assert 'aria-invalid="true"' in page.text or "govuk-form-group--error" in page.text
    assert _written(garden) == (0, 0)


def test_a_project_that_was_not_funded_gets_no_update(panel, pot):
    crossing = pot.proposals["Crossing"]
    assert panel.get(f"/panel/proposals/{crossing.id}/delivery").status_code == 409
    page = _update(panel, crossing)
    assert page.status_code == 409
    assert "only for projects funded" in page.text
    assert _written(crossing) == (0, 0)


def test_nothing_to_deliver_before_publication(panel, world):
    proposal = world.on_ballot[0]
    assert panel.get(f"/panel/pots/{world.voting_pot.id}/delivery").status_code == 409
    assert _update(panel, proposal).status_code == 409
    assert _written(proposal) == (0, 0)


def test_unknown_ids_are_404(panel):
    assert panel.get("/panel/pots/999999/delivery").status_code == 404
    assert panel.get("/panel/proposals/999999/delivery").status_code == 404
    assert panel.post("/panel/proposals/999999/delivery", data={}).status_code == 404


def test_only_the_wards_panel_may_update(app, client, world, garden, pot):
    resident = _client(app, make_user())
    other_panel = _client(app, make_user(roles=[("panel", world.south.id)]))
    for who in (resident, other_panel):
        assert who.get(f"/panel/pots/{pot.id}/delivery").status_code == 403
        assert who.get(f"/panel/proposals/{garden.id}/delivery").status_code == 403
        assert _update(who, garden).status_code == 403
    anonymous = client.post(f"/panel/proposals/{garden.id}/delivery", data={"text": "x"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert _written(garden) == (0, 0)


def test_the_form_has_labels_and_defaults_to_today(panel, garden):
    page = markup(panel.get(f"/panel/proposals/{garden.id}/delivery").text)
    assert page.count("<h1") == 1
    for name in ("progress", "on", "text", "reason"):
        assert f'<label for="{name}">' in page
    for n in range(4):
        assert f'<label for="status-{n}">' in page
    assert f'value="{today().isoformat()}"' in page
    checked = re.findall(r'<input checked[^>]*value="([a-z_]+)"', page)
    assert checked == ["not_started"]


def test_the_project_page_shows_the_timeline(app, client, panel, garden):
    page = client.get(f"/proposals/{garden.id}").text
    assert "We said, we did" in page
    assert summary(page)["Delivery"] == "Not started"
    assert "has not posted an update yet" in page

    first = today() - timedelta(days=10)
    _update(
        panel,
        garden,
        status="in_progress",
        progress="30",
        text="Ground cleared.",
        on=first.isoformat(),
    )
    _update(panel, garden, status="delivered", text="Opened by the mayor.")
    page = client.get(f"/proposals/{garden.id}").text
    facts = summary(page)
    assert facts["Delivery"] == "Delivered" and facts["Progress"].endswith("100%")
    timeline = re.search(r'<ol class="[^"]*pb-delivery-timeline">(.*?)</ol>', page, re.S)
    entries = [text_of(li) for li in re.findall(r"<li>(.*?)</li>", markup(timeline.group(1)), re.S)]
    assert entries == [
        f"{first.strftime('%-d %B %Y')}: In progress, 30% Ground cleared.",
        f"{today().strftime('%-d %B %Y')}: Delivered, 100% Opened by the mayor.",
    ]


def test_a_cancelled_project_shows_why(client, panel, garden):
    _update(panel, garden, status="cancelled", progress="20", reason="The land was sold.")
    facts = summary(client.get(f"/proposals/{garden.id}").text)
    assert facts["Delivery"] == "Cancelled"
    assert facts["Why it was cancelled"] == "The land was sold."


def test_projects_not_funded_have_no_delivery_section(client, pot, world):
    assert "We said, we did" not in client.get(f"/proposals/{pot.proposals['Crossing'].id}").text
    assert "We said, we did" not in client.get(f"/proposals/{world.on_ballot[0].id}").text


def test_the_results_page_and_dashboard_roll_delivery_up(client, panel, pot, garden):
    _update(panel, garden, status="delivered", text="Done.")
    results = client.get(f"/pots/{pot.id}/results").text
    funded = text_of(re.search(r'<ol class="[^"]*funded-list">(.*?)</ol>', results, re.S).group(1))
    assert "Garden, £600 · Delivered, 100%" in funded
    assert "Benches, £300 · Not started" in funded
    north = client.get(f"/goes-local.json?year={pot.year}").get_json()["areas"][0]
    assert north["area"] == "North"
    assert (north["funded"], north["delivered"]) == (90_000, 60_000)
