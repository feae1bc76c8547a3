"""Who may use which page: one policy per kind of page, declared on every route.

    @bp.route("/panel/pots/<int:pot_id>/settings")
    @requires(manage_pot)
    def settings(pot_id): ...

A policy says whether the page needs a log-in, what it is about (the pot of `pot_id`, the
proposal of `proposal_id`) and who may see it. It runs before the view, always in the same
order: an anonymous user who must log in goes to the log-in page; a pot or proposal that is
not there (or is a draft this user may not see) is a 404; a user without the right gets a
403. The predicates below are also what templates and services ask (`may_read_pot`), so each
rule is written once. tests/test_access.py walks every route with every role and fails on a
route that declares no policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, request
from flask_login import current_user

from pb.extensions import login_manager


def sees_pot(user: Any, pot: Any) -> bool:
    """Everyone sees a pot once it is out of draft; a draft only its ward's panel (and admins),
    who are setting it up: its name must not leak before then."""
    if not pot.is_draft:
        return True
    return bool(user.is_authenticated and user.has_role("panel", pot.ward_id))


def may_manage_pot(user: Any, pot: Any) -> bool:
    """The panel for the pot's ward (a council-wide pot: a council-wide panel), or an admin."""
    return bool(user.is_authenticated and user.may_manage(pot))


def may_run_paper(user: Any, pot: Any) -> bool:
    """Officers assigned to the pot (or to every pot), and the pot's panel."""
    return bool(user.is_authenticated and user.is_officer_for(pot))


def may_read_pot(user: Any, pot: Any) -> bool:
    """The pot's panel pages: its panel, its officers, and auditors."""
    return may_manage_pot(user, pot) or may_run_paper(user, pot) or bool(user.is_auditor)


def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role("admin"))


def is_staff(user: Any) -> bool:
    """Anyone with a role: the panel's pages list what each may see."""
    return bool(user.is_authenticated and user.is_staff)


def may_review_assets(user: Any) -> bool:
    """The community asset register is council-wide: any ward's panel, or an admin."""
    return bool(user.is_authenticated and any(g.role in ("panel", "admin") for g in user.roles))


def _pot(args: dict) -> Any:
    from pb.http import get_or_404
    from pb.pots.models import Pot

    return get_or_404(Pot, args["pot_id"])


def _visible_pot(args: dict) -> Any:
    pot = _pot(args)
    if not sees_pot(current_user, pot):
        abort(404)
    return pot


def _proposal(args: dict) -> Any:
    from pb.http import get_or_404
    from pb.proposals.models import Proposal

    return get_or_404(Proposal, args["proposal_id"])


def _visible_proposal(args: dict) -> Any:
    proposal = _proposal(args)
    if not sees_pot(current_user, proposal.pot):
        abort(404)
    return proposal


@dataclass(frozen=True)
class Policy:
    """Who may use a page. `load` finds what the page is about from the URL's values (a 404
    when it is not there); `allows(user, thing)` decides, after the log-in if `login`."""

    name: str
    login: bool
    allows: Callable[[Any, Any], bool] | None = None
    load: Callable[[dict], Any] | None = None

    def check(self, view_args: dict) -> Any:
        """None when the user may go on; otherwise the response that stops them (the log-in
        page), or an abort (404, 403)."""
        if self.login and request.method != "OPTIONS" and not current_user.is_authenticated:
            return login_manager.unauthorized()
        thing = self.load(view_args) if self.load else None
        if self.allows is not None and not self.allows(current_user, thing):
            abort(403)
        return None


public = Policy("public", login=False)
public_pot = Policy("public_pot", login=False, load=_visible_pot)
public_proposal = Policy("public_proposal", login=False, load=_visible_proposal)
signed_in = Policy("signed_in", login=True)
signed_in_pot = Policy("signed_in_pot", login=True, load=_visible_pot)
staff = Policy("staff", login=True, allows=lambda user, _: is_staff(user))
admin = Policy("admin", login=True, allows=lambda user, _: is_admin(user))


# The new-pot page: admins, and panels (for their own wards; the form and the service see to
# which, as pb.panel.services.create_pot says).
def may_set_up_pots(user, _=None) -> bool:
    """An admin, or a panel member for any ward (who sets up pots for their own wards)."""
    return bool(
        user.is_authenticated and any(grant.role in ("panel", "admin") for grant in user.roles)
    )


sets_up_pots = Policy("sets_up_pots", login=True, allows=may_set_up_pots)
manage_pot = Policy("manage_pot", login=True, allows=may_manage_pot, load=_pot)
read_pot = Policy("read_pot", login=True, allows=may_read_pot, load=_pot)
paper_pot = Policy("paper_pot", login=True, allows=may_run_paper, load=_pot)
manage_proposal = Policy(
    "manage_proposal",
    login=True,
    allows=lambda user, proposal: may_manage_pot(user, proposal.pot),
    load=_proposal,
)
own_proposal = Policy(
    "own_proposal",
    login=True,
    allows=lambda user, proposal: proposal.proposer_id == user.id,
    load=_proposal,
)

review_assets = Policy("review_assets", login=True, allows=lambda user, _: may_review_assets(user))

POLICY_ATTRIBUTE = "access_policy"


def requires(policy: Policy) -> Callable:
    """Check `policy` before the view runs; the walk in tests/test_access.py reads it back."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            stopped = policy.check(kwargs)
            if stopped is not None:
                return stopped
            return view(*args, **kwargs)

        setattr(checked, POLICY_ATTRIBUTE, policy)
        return checked

    return decorate


def policy_of(view: Callable) -> Policy | None:
    """The policy a view declared, if any."""
    return getattr(view, POLICY_ATTRIBUTE, None)
