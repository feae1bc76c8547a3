"""What other areas' pages show of the conversation, built here and passed in by their views.

The proposal page, a pot's page and the account page belong to lower areas; their views ask
these functions and hand the values to the templates, which only display them.
"""

from flask import url_for

from pb.conversation import comments, follows, supports
from pb.conversation.forms import CommentForm, NotifyForm
from pb.extensions import db
from pb.pots.models import Pot
from pb.proposals.models import Proposal


def proposal_part(proposal: Proposal, user) -> dict:
    """Supports, follows and comments on a proposal's page, for `user`."""
    pot = proposal.pot
    signed_in = user.is_authenticated
    updates = list(proposal.updates) if pot.is_published else []
    return {
        "supports_open": pot.takes_supports and proposal.status in supports.SUPPORTABLE,
        "supports_shown": pot.shows_supports,
        "support_count": supports.counts(pot).get(proposal.id, 0),
        "supported": supports.has_supported(user, proposal),
        "may_support": signed_in and not supports.problems(user, proposal),
        "following": follows.is_following(user, proposal),
        "comments_open": comments.open_for_comments(proposal),
        "may_comment": signed_in and not comments.problems(user, proposal),
        "thread": [] if pot.is_draft else comments.thread(proposal),
        "update_threads": [(u, comments.thread(proposal, u)) for u in updates],
        "editable": lambda comment: comments.editable(comment, user),
        "form": CommentForm(formdata=None),
    }


def notify_form(user) -> NotifyForm:
    """The account page's choice of instant mail, a weekly digest or none."""
    form = NotifyForm(formdata=None)
    form.notify.data = user.notify
    return form


def followed(user) -> list[dict]:
    """What `user` follows, with its page and the form that stops following it."""
    found = []
    thing: Pot | Proposal | None
    for row in follows.followed_by(user):
        if row.proposal_id:
            thing = db.session.get(Proposal, row.proposal_id)
            url = url_for("proposals.show", proposal_id=row.proposal_id)
            action = url_for("conversation.follow_proposal", proposal_id=row.proposal_id)
        else:
            thing = db.session.get(Pot, row.pot_id)
            url = url_for("pots.show", pot_id=row.pot_id)
            action = url_for("conversation.follow_pot", pot_id=row.pot_id)
        if thing is not None:
            found.append({"name": str(getattr(thing, "title", thing)), "url": url, "stop": action})
    return found
