"""Supports: residents back proposals before the review; the panel's rule decides which go on.

A support is a public count, never a ballot: who supports what is not shown to anyone (only
counts are), and nothing here is read by the tally.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pb.audit.services import record
from pb.conversation import follows
from pb.conversation.models import Support
from pb.extensions import db
from pb.pots.models import SUPPORTS_RULES, PhaseError
from pb.proposals.models import Proposal, ProposalStatus
from pb.voting import eligibility

#: Proposals residents can support: those still in the running when the phase opens.
SUPPORTABLE = ("submitted", "feasible")
MAX_NUMBER = 10_000


class SupportError(Exception):
    """A support that cannot be given or taken back, with the reason for the resident."""


def problems(user, proposal: Proposal) -> list:
    """Why the user may not support this proposal (empty when they may): the rule for proposing."""
    return eligibility.resident_problems(user, proposal.pot)


def _check_open(proposal: Proposal) -> None:
    if not proposal.pot.takes_supports:
        raise SupportError(_("Supports are given only while the pot is open for supports."))
    if proposal.status not in SUPPORTABLE:
        raise SupportError(_("This proposal is not open for supports."))


def support(user, proposal: Proposal) -> bool:
    """Support a proposal once; True when a new support was recorded, False when the user had
    already supported it (the unique key holds this, even for two clicks at once)."""
    _check_open(proposal)
    if problems(user, proposal):
        raise SupportError(_("You cannot support proposals in this pot."))
    if has_supported(user, proposal):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Support(proposal_id=proposal.id, user_id=user.id))
    except IntegrityError:
        return False
    follows.follow_automatically(user, proposal)
    return True


def withdraw(user, proposal: Proposal) -> None:
    """Take a support back, while the phase is open."""
    _check_open(proposal)
    row = db.session.scalar(
        select(Support).where(Support.proposal_id == proposal.id, Support.user_id == user.id)
    )
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def has_supported(user, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    query = select(Support.id).where(Support.proposal_id == proposal.id, Support.user_id == user.id)
    return db.session.scalar(query) is not None


def counts(pot) -> dict[int, int]:
    """Supports per proposal of the pot (proposals with none are absent)."""
    rows = db.session.execute(
        select(Support.proposal_id, func.count())
        .join(Proposal, Proposal.id == Support.proposal_id)
        .where(Proposal.pot_id == pot.id)
        .group_by(Support.proposal_id)
    )
    return {proposal_id: n for proposal_id, n in rows}


def set_rule(pot, actor, rule: str, number: int) -> None:
    """The panel sets how proposals get past the supports phase, before it opens."""
    if not pot.supports_rule_editable:
        raise PhaseError(_("The supports rule is set before the supports phase opens."))
    if rule not in SUPPORTS_RULES:
        raise PhaseError(_("Choose one of the listed rules."))
    if not isinstance(number, int) or not 1 <= number <= MAX_NUMBER:
        raise PhaseError(_("Enter a whole number from 1 to %(max)s.", max=MAX_NUMBER))
    pot.supports_rule, pot.supports_number = rule, number
    record("pot.supports_rule_set", actor=actor, pot=pot, rule=rule, number=number)


def clear_rule(pot, actor) -> None:
    if not pot.supports_rule_editable:
        raise PhaseError(_("The supports rule is set before the supports phase opens."))
    pot.supports_rule, pot.supports_number = None, None
    record("pot.supports_rule_cleared", actor=actor, pot=pot)


@dataclass(frozen=True)
class Row:
    proposal: Proposal
    count: int
    forward: bool


@dataclass(frozen=True)
class Outcome:
    rule: str
    number: int
    rows: list[Row]


def outcome(pot) -> Outcome:
    """Which proposals pass the pot's rule, with their counts, most supported first.

    "top": the `number` most supported of each category go forward; proposals tied with the
    last place that goes through all go too (no lottery over supports: a tie is a tie).
    "minimum": every proposal with at least `number` supports.
    """
    tally = counts(pot)
    if not pot.takes_supports:
        # Closed: the rule was applied then (pb.audit keeps its counts); the statuses say it.
        done = list(
            db.session.scalars(
                select(Proposal)
                .where(Proposal.pot_id == pot.id, Proposal.status != ProposalStatus.MERGED)
                .order_by(Proposal.id)
            )
        )
        rows = [
            Row(p, tally.get(p.id, 0), p.status != ProposalStatus.NOT_SHORTLISTED) for p in done
        ]
        rows.sort(key=lambda r: (not r.forward, -r.count, r.proposal.id))
        return Outcome(pot.supports_rule or "minimum", pot.supports_number or 0, rows)
    proposals = list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.pot_id == pot.id, Proposal.status.in_(SUPPORTABLE))
            .order_by(Proposal.id)
        )
    )
    number = pot.supports_number or 0
    forward: set[int] = set()
    if pot.supports_rule == "top":
        by_category: dict[str, list[Proposal]] = {}
        for p in proposals:
            by_category.setdefault(p.category, []).append(p)
        for group in by_category.values():
            group.sort(key=lambda p: -tally.get(p.id, 0))
            if len(group) <= number:
                forward.update(p.id for p in group)
                continue
            bar = tally.get(group[number - 1].id, 0)
            forward.update(p.id for p in group if tally.get(p.id, 0) >= bar)
    else:
        forward = {p.id for p in proposals if tally.get(p.id, 0) >= number}
    rows = [Row(p, tally.get(p.id, 0), p.id in forward) for p in proposals]
    rows.sort(key=lambda r: (not r.forward, -r.count, r.proposal.id))
    return Outcome(pot.supports_rule or "minimum", number, rows)


def apply_outcome(pot, actor) -> Outcome:
    """Close the supports phase: proposals that miss the rule leave the running (status
    not_shortlisted); the counts go into the audit log."""
    result = outcome(pot)
    for row in result.rows:
        if not row.forward:
            row.proposal.status = ProposalStatus.NOT_SHORTLISTED
    record(
        "pot.supports_closed",
        actor=actor,
        pot=pot,
        rule=result.rule,
        number=result.number,
        counts={str(r.proposal.id): r.count for r in result.rows},
        forward=[r.proposal.id for r in result.rows if r.forward],
    )
    db.session.flush()
    return result
