"""Finding pots and what a resident can do in them."""

from sqlalchemy import func, select

from pb.extensions import db
from pb.pots.models import Pot
from pb.proposals.models import Proposal


def visible_pots() -> list[Pot]:
    """Every pot residents can see (drafts stay with the panel), newest year first."""
    query = select(Pot).where(Pot.phase != "draft").order_by(Pot.year.desc(), Pot.name)
    return list(db.session.scalars(query))


def proposal_counts(pot_ids: list[int]) -> dict[int, int]:
    if not pot_ids:
        return {}
    query = (
        select(Proposal.pot_id, func.count())
        .where(Proposal.pot_id.in_(pot_ids))
        .group_by(Proposal.pot_id)
    )
    return {pot_id: count for pot_id, count in db.session.execute(query)}
