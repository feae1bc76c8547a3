"""Counting a closed pot with pb.tally, previewing the outcome and publishing it."""

import math
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select

from pb import tally
from pb.audit import chain
from pb.audit.services import record
from pb.extensions import db
from pb.money import minor_per_major
from pb.pots.models import PhaseError
from pb.results.models import Result
from pb.tally.outcome import money_json
from pb.timeutil import utcnow
from pb.voting import ballots
from pb.voting.models import Ballot
from pb.voting.services import ballot_proposals


def money_unit(pot) -> int:
    """The largest unit, up to one major unit of the pot's currency (100 pence in a pound),
    that every cost and the budget are made of.

    The tally counts in this unit, so Add1 raises each voter's share a whole unit at a time:
    a pot priced in whole pounds (or whole złoty, as pabulib files are) is counted exactly as
    its officials did, and needs 100 times fewer rounds than counting in pence.
    """
    costs = [p.cost for p in ballot_proposals(pot)]
    return math.gcd(minor_per_major(pot.currency), pot.amount, *costs)


def election_for(pot, unit: int = 1) -> tally.Election:
    """The pot's frozen ballots as a pb.tally election (project ids are proposal ids), with
    money in `unit`s of the pot's minor currency unit."""
    proposals = ballot_proposals(pot)
    stored = db.session.execute(
        select(Ballot.choices).where(Ballot.pot_id == pot.id).order_by(Ballot.id)
    ).scalars()
    return tally.Election.from_ballots(
        {str(p.id): p.cost // unit for p in proposals},
        pot.amount // unit,
        (ballots.tally_form(pot, choices) for choices in stored),
        ballots.METHOD_VOTE_TYPES[pot.ballot_method],
        max_length=pot.max_picks if pot.ballot_method == "ranked" else None,
    )


def count_by_channel(pot) -> dict[str, int]:
    query = (
        select(Ballot.channel, func.count()).where(Ballot.pot_id == pot.id).group_by(Ballot.channel)
    )
    counts = {"online": 0, "paper": 0}
    counts.update({channel: n for channel, n in db.session.execute(query)})
    return counts


def latest(pot, *, published: bool | None = None) -> Result | None:
    query = select(Result).where(Result.pot_id == pot.id)
    if published is True:
        query = query.where(Result.published_at.is_not(None))
    elif published is False:
        query = query.where(Result.published_at.is_(None))
    return db.session.scalar(query.order_by(Result.version.desc()).limit(1))


def publications(pot) -> list[Result]:
    """Every published result of the pot, newest first (corrections keep the old ones)."""
    query = (
        select(Result)
        .where(Result.pot_id == pot.id, Result.published_at.is_not(None))
        .order_by(Result.version.desc())
    )
    return list(db.session.scalars(query))


def run_tally(pot, actor, *, correction_reason: str | None = None) -> Result:
    """Run the pot's rule over its ballots and keep the outcome as an unpublished preview.

    Before the first publication the pot must be closed; afterwards a tally is a
    correction, which needs a reason. A newer preview replaces an older unpublished one.
    """
    if pot.phase == "closed":
        correction_reason = None
    elif pot.phase == "published":
        if not (correction_reason or "").strip():
            raise PhaseError("A correction needs a reason, which is published with it.")
    else:
        raise PhaseError("The tally runs once voting has closed.")
    unit = money_unit(pot)
    outcome = tally.run(election_for(pot, unit), pot.rule, seed=pot.seed or "")
    counts = count_by_channel(pot)
    preview = latest(pot, published=False)
    if preview is not None:
        db.session.delete(preview)
        db.session.flush()
    newest = latest(pot)
    result = Result(
        pot_id=pot.id,
        version=(newest.version + 1) if newest else 1,
        rule=pot.rule,
        seed=pot.seed or "",
        outcome=_in_minor_units(outcome.to_dict(), unit),
        ballots_online=counts["online"],
        ballots_paper=counts["paper"],
        tallied_by_id=actor.id if actor else None,
        correction_reason=correction_reason.strip() if correction_reason else None,
    )
    db.session.add(result)
    db.session.flush()
    record(
        "pot.tallied",
        actor=actor,
        pot=pot,
        version=result.version,
        selected=outcome.to_dict()["selected"],
    )
    return result


def document(result: Result) -> dict:
    """A published result as results.json holds it; its SHA-256 goes into the chain."""
    return {
        "pot": result.pot_id,
        "version": result.version,
        "rule": result.rule,
        "seed": result.seed,
        "ballots_online": result.ballots_online,
        "ballots_paper": result.ballots_paper,
        "published_at": chain.timestamp(result.published_at) if result.published_at else None,
        "correction_reason": result.correction_reason,
        "outcome": result.outcome,
    }


MONEY_FIELDS = ("budget", "total_cost", "endowment")
PROJECT_MONEY_FIELDS = ("cost", "supporters_money", "remaining_budget")


def _in_minor_units(outcome: dict, unit: int) -> dict:
    """Scale the money in an outcome counted in `unit`s back to minor units."""
    if unit == 1:
        return outcome

    def scale(value):
        return None if value is None else money_json(Fraction(value) * unit)

    outcome = {**outcome, **{k: scale(outcome.get(k)) for k in MONEY_FIELDS}}
    outcome["projects"] = [
        {**p, **{k: scale(p.get(k)) for k in PROJECT_MONEY_FIELDS}} for p in outcome["projects"]
    ]
    return outcome


def publish(pot, actor, *, at: datetime | None = None) -> Result:
    """Publish the previewed tally. The first publication moves the pot to `published`.

    ``at`` is when it was published, for an imported election (its source's end date).
    """
    preview = latest(pot, published=False)
    if pot.phase == "closed":
        pot.publish(tallied=preview is not None)
    elif pot.phase != "published":
        raise PhaseError("Results can be published once voting has closed and been tallied.")
    if preview is None:
        raise PhaseError("Run the tally and check the preview before publishing.")
    preview.published_at = (at or utcnow()).replace(microsecond=0)
    preview.published_by_id = actor.id if actor else None
    chain.append(pot, "published", chain.sha256_hex(chain.canonical(document(preview))))
    record(
        "results.corrected" if preview.correction_reason else "results.published",
        actor=actor,
        pot=pot,
        version=preview.version,
        reason=preview.correction_reason,
    )
    return preview
