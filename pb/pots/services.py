"""Finding pots and what a resident can do in them."""

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm.attributes import set_committed_value

from pb.extensions import db
from pb.pots.models import Phase, Pot
from pb.proposals.models import Proposal


def visible_pots() -> list[Pot]:
    """Every pot residents can see (drafts stay with the panel), newest year first."""
    query = select(Pot).where(Pot.phase != Phase.DRAFT).order_by(Pot.year.desc(), Pot.name)
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
        known = [n for n in populations if n is not None]
        if len(known) < len(populations):
            return None
        return sum(known)
    return int(db.session.scalar(query) or 0)


def lock(pot, *, shared: bool = False) -> None:
    """Take the pot's row lock for this transaction and re-read its phase under it.

    Casts and paper entries take it `shared` (FOR SHARE), so they run side by side; closing
    and opening the envelopes take it alone (FOR NO KEY UPDATE), which waits for every cast
    in flight to commit and makes every later cast wait, then see the pot closed and store
    nothing. So the close's counts include every ballot committed before it, and no ballot
    lands after it. The foreign keys of the rows a cast inserts take FOR KEY SHARE, which
    conflicts with neither. Only the pot's own row is locked (not the joined council). The
    chain has its own lock (pb.audit.chain), so two casts holding this one never wait for
    each other here. SQLite serialises writing transactions already (BEGIN IMMEDIATE).
    """
    query = select(*(getattr(Pot, name) for name in _LOCKED_STATE)).where(Pot.id == pot.id)
    locked = query.with_for_update(read=True) if shared else query.with_for_update(key_share=True)
    row = db.session.execute(locked).one()
    state = inspect(pot)
    for name, value in zip(_LOCKED_STATE, row, strict=True):
        if not state.attrs[name].history.has_changes():  # this transaction's own changes stay
            set_committed_value(pot, name, value)


# What the steps decide on, re-read under the lock: the phase, the ballot key and the seed.
_LOCKED_STATE = (
    "phase",
    "envelopes_opened_at",
    "sealing_key",
    "key_threshold",
    "key_confirmed_at",
    "seed",
    "seed_sha256",
)


# Proposals residents see in a search: not ones merged away or withdrawn.
_SEARCHED_STATUSES = ("submitted", "feasible", "not_feasible", "on_ballot")


def search(words: str, *, limit: int = 50) -> tuple[list[Pot], list[Proposal]]:
    """Pots and proposals, across every pot residents can see, containing every given word
    (at most ten words; case does not matter)."""
    terms = words.split()[:10]
    if not terms:
        return [], []
    pots = select(Pot).where(Pot.phase != Phase.DRAFT)
    proposals = (
        select(Proposal)
        .join(Pot, Proposal.pot_id == Pot.id)
        .where(Pot.phase != Phase.DRAFT, Proposal.status.in_(_SEARCHED_STATUSES))
    )
    for word in terms:
        pots = pots.where(
            or_(
                Pot.name.icontains(word, autoescape=True),
                Pot.description.icontains(word, autoescape=True),
            )
        )
        proposals = proposals.where(
            or_(
                Proposal.title.icontains(word, autoescape=True),
                Proposal.summary.icontains(word, autoescape=True),
            )
        )
    found_pots = list(db.session.scalars(pots.order_by(Pot.year.desc(), Pot.name).limit(limit)))
    found = db.session.scalars(proposals.order_by(Proposal.title, Proposal.id).limit(limit))
    return found_pots, list(found)
