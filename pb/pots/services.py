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


def eligible_count(pot) -> int | None:
    """How many people may vote in the pot: the roll, the live access codes, or the residents
    of its area (the ward's population; every ward's for a council-wide pot). None when a
    population is not known (an imported election that does not say)."""
    from pb.councils.models import Ward
    from pb.electorate.models import AccessCode, VoterRollEntry

    if pot.eligibility_mode == "roll":
        query = select(func.count()).where(VoterRollEntry.pot_id == pot.id)
    elif pot.eligibility_mode == "codes":
        query = select(func.count()).where(
            AccessCode.pot_id == pot.id, AccessCode.voided_at.is_(None)
        )
    else:
        wards = select(Ward.population).where(
            Ward.id == pot.ward_id if pot.ward_id is not None else Ward.council_id == pot.council_id
        )
        populations = list(db.session.scalars(wards))
        if any(n is None for n in populations):
            return None
        return sum(populations)
    return int(db.session.scalar(query) or 0)
