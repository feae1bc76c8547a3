"""Comments on proposals: residents of the pot's area talk before the vote and about delivery.

Rules: one level of replies; the author may edit for EDIT_MINUTES; anyone signed in may flag a
comment once; the panel hides a comment with a public reason, and the audit log keeps its text
(nothing is deleted). Once a pot's results are published, comments go only under its delivery
updates.
"""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pb.audit.services import record
from pb.conversation.models import Comment, CommentFlag
from pb.extensions import db
from pb.i18n import number
from pb.proposals.models import DeliveryUpdate, Proposal
from pb.timeutil import utcnow
from pb.voting import eligibility

EDIT_MINUTES = 15
MAX_LENGTH = 2000
REASON_LENGTH = 500


class CommentError(Exception):
    """A comment that cannot be posted, changed or flagged, with the reason for the resident."""


def open_for_comments(proposal: Proposal) -> bool:
    """Whether the proposal takes new comments at all (its pot is open and not published)."""
    return proposal.pot.takes_comments


def problems(user, proposal: Proposal) -> list:
    """Why the user may not comment here (empty when they may): the rule for proposing."""
    return eligibility.resident_problems(user, proposal.pot)


def _clean(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise CommentError(_("Write your comment."))
    if len(body) > MAX_LENGTH:
        raise CommentError(
            ngettext(
                "Keep your comment to %(limit)s character.",
                "Keep your comment to %(limit)s characters.",
                MAX_LENGTH,
                limit=number(MAX_LENGTH),
            )
        )
    return body


def post(
    user,
    proposal: Proposal,
    body: str,
    *,
    parent: Comment | None = None,
    update: DeliveryUpdate | None = None,
) -> Comment:
    """Post a comment or a reply. A reply answers a top-level comment of the same proposal (and
    the same delivery update); after publication comments go only under delivery updates."""
    if problems(user, proposal):
        raise CommentError(_("Only confirmed residents of the area can comment here."))
    if update is not None and update.proposal_id != proposal.id:
        raise CommentError(_("That update is not about this proposal."))
    if parent is not None:
        if parent.proposal_id != proposal.id or parent.parent_id is not None:
            raise CommentError(_("Reply to a comment on this proposal."))
        if parent.hidden:
            raise CommentError(_("This comment was hidden; it takes no replies."))
        if update is None and parent.delivery_update_id is not None:
            update = parent.update
        if parent.delivery_update_id != (update.id if update else None):
            raise CommentError(_("Reply to a comment on this proposal."))
    if proposal.pot.is_draft:
        raise CommentError(_("This pot is not open yet."))
    if proposal.pot.is_published and update is None:
        raise CommentError(
            _("The results are published: comment on the project's delivery updates instead.")
        )
    comment = Comment(
        proposal_id=proposal.id,
        author_id=user.id,
        body=_clean(body),
        parent_id=parent.id if parent else None,
        delivery_update_id=update.id if update else None,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def editable(comment: Comment, user, now=None) -> bool:
    now = now or utcnow()
    created = comment.created_at
    if created.tzinfo is None:  # SQLite hands back naive datetimes
        now = now.replace(tzinfo=None)
    return (
        getattr(user, "is_authenticated", False)
        and comment.author_id == user.id
        and not comment.hidden
        and now - created <= timedelta(minutes=EDIT_MINUTES)
    )


def too_late_to_edit() -> str:
    """Why a comment can no longer be changed: the edit window, said once."""
    return ngettext(
        "Comments can be changed by their author for %(num)s minute.",
        "Comments can be changed by their author for %(num)s minutes.",
        EDIT_MINUTES,
    )


def edit(comment: Comment, user, body: str, *, now=None) -> None:
    """Change one's own comment within EDIT_MINUTES; the audit log keeps the earlier text."""
    if not editable(comment, user, now):
        raise CommentError(too_late_to_edit())
    body = _clean(body)
    if body == comment.body:
        return
    record(
        "comment.edited",
        actor=user,
        pot=comment.proposal.pot,
        comment=comment.id,
        before=comment.body,
    )
    comment.body = body
    comment.edited_at = utcnow()
    db.session.flush()


def flag(comment: Comment, user) -> bool:
    """Tell the panel about a comment (once per resident); True when the flag is new."""
    if comment.author_id == user.id:
        raise CommentError(_("You cannot flag your own comment."))
    if comment.hidden:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(CommentFlag(comment_id=comment.id, user_id=user.id))
    except IntegrityError:
        return False
    return True


def hide(comment: Comment, actor, reason: str) -> None:
    """The panel hides a comment with a public reason; the text stays in the audit log."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise CommentError(_("Give the reason; it is shown in place of the comment."))
    if len(reason) > REASON_LENGTH:
        raise CommentError(
            ngettext(
                "Keep the reason to %(limit)s character.",
                "Keep the reason to %(limit)s characters.",
                REASON_LENGTH,
                limit=number(REASON_LENGTH),
            )
        )
    if comment.hidden:
        raise CommentError(_("This comment is already hidden."))
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason
    comment.hidden_by_id = actor.id
    record(
        "comment.hidden",
        actor=actor,
        pot=comment.proposal.pot,
        comment=comment.id,
        author=comment.author_id,
        text=comment.body,
        reason=reason,
    )
    db.session.flush()


def thread(proposal: Proposal, update: DeliveryUpdate | None = None) -> list[Comment]:
    """Top-level comments of the proposal (or of one delivery update), oldest first; each has
    its replies."""
    where = (
        Comment.delivery_update_id.is_(None)
        if update is None
        else (Comment.delivery_update_id == update.id)
    )
    return list(
        db.session.scalars(
            select(Comment)
            .where(Comment.proposal_id == proposal.id, Comment.parent_id.is_(None), where)
            .order_by(Comment.id)
        )
    )


def for_panel(pot) -> list[tuple[Comment, int]]:
    """The pot's comments for moderation, with their flag counts: flagged ones first, then the
    newest."""
    flags = func.count(CommentFlag.id)
    rows = db.session.execute(
        select(Comment, flags)
        .outerjoin(CommentFlag, CommentFlag.comment_id == Comment.id)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(Proposal.pot_id == pot.id)
        .group_by(Comment.id)
        .order_by(flags.desc(), Comment.id.desc())
        .limit(500)
    )
    return [(comment, n) for comment, n in rows]
