"""What the open data API reads: the pots residents can see, and what is public about them."""

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from pb.councils.models import Council, Ward
from pb.extensions import db
from pb.pots import services as pots
from pb.pots.models import Phase, Pot
from pb.proposals.models import Proposal
from pb.proposals.services import list_proposals
from pb.results.models import Result
from pb.results.services import publications

# Ids are 32-bit integers on PostgreSQL; a larger number cannot name a row, and asking the
# database for one would fail rather than find nothing.
MAX_ID = 2**31 - 1


def pot_listing() -> list[tuple[Pot, int]]:
    """Every pot residents can see with its number of proposals, in four queries in all."""
    found = pots.visible_pots()
    wards = _by_id(Ward, {pot.ward_id for pot in found} - {None})
    councils = _by_id(Council, {pot.council_id for pot in found})
    for pot in found:
        # Every pot's ward and council, loaded at once rather than one query per pot.
        set_committed_value(pot, "ward", wards.get(pot.ward_id))
        set_committed_value(pot, "council", councils[pot.council_id])
    counts = pots.proposal_counts([pot.id for pot in found])
    return [(pot, counts.get(pot.id, 0)) for pot in found]


def _by_id(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def proposal_count(pot: Pot) -> int:
    return pots.proposal_counts([pot.id]).get(pot.id, 0)


def visible_pot(pot_id: int) -> Pot | None:
    """The pot with this id if residents can see it (drafts stay with the panel)."""
    if pot_id > MAX_ID:
        return None
    pot = db.session.get(Pot, pot_id)
    if pot is None or pot.phase == Phase.DRAFT:
        return None
    return pot


def proposals(pot: Pot) -> list[Proposal]:
    """Every proposal of the pot, in the order the site lists them."""
    return list_proposals(pot)


def published_results(pot: Pot) -> tuple[list[Result], dict[str, str]]:
    """The pot's published results, newest first, and its proposals' titles by tally id."""
    results = publications(pot)
    if not results:
        return [], {}
    rows = db.session.execute(select(Proposal.id, Proposal.title).where(Proposal.pot_id == pot.id))
    return results, {str(proposal_id): title for proposal_id, title in rows}
