"""Comments: residents of the area comment and reply one level; edits for 15 minutes; flags;
the panel hides with a public reason and the audit log keeps the text; published pots take
comments only on delivery updates; rate limits and hostile input."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pb.audit.models import AuditEvent
from pb.conversation import comments
from pb.conversation.models import Comment, CommentFlag
from pb.extensions import db
from pb.proposals.models import DeliveryUpdate
from tests.factories import PASSWORD, make_comment, make_pot, make_proposal, make_user


def _as(app, user):
    client = app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def _comments(proposal):
    return list(db.session.scalars(select(Comment).where(Comment.proposal_id == proposal.id)))


def test_a_resident_comments_and_the_proposer_replies_marked(app, world):
    proposer = make_user(display_name="Pat Proposer")
    proposal = make_proposal(world.proposals_pot, status="submitted", proposer=proposer)
    resident = make_user(display_name="Rita Resident")
    posted = _as(app, resident).post(
        f"/proposals/{proposal.id}/comments", data={"body": "Where would the <b>benches</b> go?"}
    )
    assert posted.status_code == 303
    (first,) = _comments(proposal)
    assert posted.headers["Location"].endswith(f"#comment-{first.id}")
    reply = _as(app, proposer).post(
        f"/proposals/{proposal.id}/comments", data={"body": "By the pond.", "parent_id": first.id}
    )
    assert reply.status_code == 303
    page = app.test_client().get(f"/proposals/{proposal.id}").text
    assert "Where would the &lt;b&gt;benches&lt;/b&gt; go?" in page  # escaped
    assert "<b>benches</b>" not in page
    assert "By the pond." in page and "Proposer</span>" in page
    # One level only: a reply to a reply is refused, nothing stored.
    (second,) = [c for c in _comments(proposal) if c.parent_id]
    deeper = _as(app, resident).post(
        f"/proposals/{proposal.id}/comments", data={"body": "And?", "parent_id": second.id}
    )
    assert deeper.status_code == 409 and len(_comments(proposal)) == 2


def test_only_confirmed_residents_of_the_area_comment(app, world):
    proposal = make_proposal(world.proposals_pot, status="submitted")
    for user in (make_user(postcode="AB2 2BB"), make_user(confirmed=False)):
        response = _as(app, user).post(f"/proposals/{proposal.id}/comments", data={"body": "Hi"})
        assert response.status_code == 409
    anonymous = app.test_client().post(f"/proposals/{proposal.id}/comments", data={"body": "Hi"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert _comments(proposal) == []


def test_the_author_edits_for_fifteen_minutes_and_the_audit_keeps_the_earlier_text(app, world):
    proposal = make_proposal(world.proposals_pot, status="submitted")
    author = make_user()
    comment = make_comment(proposal, author, body="Frist!")
    client = _as(app, author)
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "First!"}).status_code == 303
    db.session.refresh(comment)
    assert comment.body == "First!" and comment.edited_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "comment.edited"))
    assert event.payload["before"] == "Frist!"
    assert (
        _as(app, make_user())
        .post(f"/comments/{comment.id}/edit", data={"body": "Hijack"})
        .status_code
        == 403
    )
    later = comment.created_at + timedelta(minutes=16)
    assert not comments.editable(comment, author, now=later)
    assert comments.editable(comment, author, now=comment.created_at + timedelta(minutes=14))
    comment.created_at = comment.created_at - timedelta(minutes=16)
    db.session.commit()
    late = client.post(f"/comments/{comment.id}/edit", data={"body": "Late"})
    assert late.status_code == 409
    assert "changed by their author for 15 minutes" in late.text
    late_in_polish = client.get(f"/comments/{comment.id}/edit", headers={"Accept-Language": "pl"})
    assert "przez 15 minut." in late_in_polish.text
    db.session.refresh(comment)
    assert comment.body == "First!"


def test_flags_count_once_and_the_panel_hides_with_a_public_reason(app, world):
    proposal = make_proposal(world.proposals_pot, status="submitted")
    author = make_user()
    comment = make_comment(proposal, author, body="Something rude")
    flagger = _as(app, make_user())
    for _ in range(2):
        assert flagger.post(f"/comments/{comment.id}/flag").status_code == 303
    assert _as(app, author).post(f"/comments/{comment.id}/flag").status_code == 409
    assert db.session.scalar(select(db.func.count()).select_from(CommentFlag)) == 1

    panel = _as(app, make_user(roles=[("panel", world.north.id)]))
    listing = panel.get(f"/panel/pots/{proposal.pot_id}/comments").text
    assert "Something rude" in listing and "1 flag" in listing
    assert panel.post(f"/panel/comments/{comment.id}/hide", data={"reason": ""}).status_code == 422
    assert (
        panel.post(
            f"/panel/comments/{comment.id}/hide", data={"reason": "Personal attack"}
        ).status_code
        == 303
    )
    page = app.test_client().get(f"/proposals/{proposal.id}").text
    assert "Something rude" not in page
    assert "Hidden by the ward panel: Personal attack" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "comment.hidden"))
    assert (
        event.payload["text"] == "Something rude" and event.payload["reason"] == "Personal attack"
    )
    assert db.session.get(Comment, comment.id) is not None  # never deleted
    other = _as(app, make_user(roles=[("panel", world.south.id)]))
    assert other.post(f"/panel/comments/{comment.id}/hide", data={"reason": "x"}).status_code == 403


def test_a_published_pot_takes_comments_only_on_delivery_updates(app, world):
    pot = make_pot(world.council, world.north, phase="published")
    proposal = make_proposal(pot)
    update = DeliveryUpdate(
        proposal=proposal, on=date(2026, 11, 1), status="in_progress", progress=40, text="Dug."
    )
    db.session.add(update)
    db.session.commit()
    client = _as(app, make_user())
    plain = client.post(f"/proposals/{proposal.id}/comments", data={"body": "Great"})
    assert plain.status_code == 409 and "delivery updates" in plain.text
    on_update = client.post(
        f"/proposals/{proposal.id}/comments", data={"body": "Great", "update_id": update.id}
    )
    assert on_update.status_code == 303
    (made,) = _comments(proposal)
    assert made.delivery_update_id == update.id
    other = make_proposal(pot)
    wrong = client.post(
        f"/proposals/{other.id}/comments", data={"body": "Great", "update_id": update.id}
    )
    assert wrong.status_code == 409


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"body": ""},
        {"body": "   "},
        {"body": "x" * 2001},
        {"body": "ok", "parent_id": "999999999"},
        {"body": "ok", "parent_id": "-1"},
        {"body": "ok", "parent_id": "1 OR 1=1"},
        {"body": "ok", "update_id": "9" * 40},
        {"body": "\x00"},
    ],
)
def test_hostile_comments_change_nothing(app, world, data):
    proposal = make_proposal(world.proposals_pot, status="submitted")
    response = _as(app, make_user()).post(f"/proposals/{proposal.id}/comments", data=data)
    assert 400 <= response.status_code < 500
    assert _comments(proposal) == []


def test_replies_cannot_cross_proposals(app, world):
    one = make_proposal(world.proposals_pot, status="submitted")
    two = make_proposal(world.proposals_pot, status="submitted")
    parent = make_comment(one, make_user())
    response = _as(app, make_user()).post(
        f"/proposals/{two.id}/comments", data={"body": "Hi", "parent_id": parent.id}
    )
    assert response.status_code == 409 and _comments(two) == []


def test_comments_are_rate_limited(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "COMMENT_RATE", "3/minute")
    proposal = make_proposal(world.proposals_pot, status="submitted")
    client = _as(app, make_user())
    codes = [
        client.post(f"/proposals/{proposal.id}/comments", data={"body": f"n{n}"}).status_code
        for n in range(5)
    ]
    assert codes == [303, 303, 303, 429, 429]
    assert len(_comments(proposal)) == 3
