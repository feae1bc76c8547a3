"""Counting a closed pot with pb.tally, previewing the outcome and publishing it."""

import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb import jobs, tally
from pb.audit import chain
from pb.audit.services import record
from pb.conversation import notify
from pb.extensions import db
from pb.pots.models import BallotMethod, Phase, PhaseError
from pb.results.models import Result
from pb.tally.fairness import side_by_side
from pb.tally.whatif import what_it_would_take
from pb.timeutil import utcnow
from pb.transaction import atomic
from pb.voting import ballots
from pb.voting.models import Ballot
from pb.voting.services import ballot_proposals


def election_for(pot) -> tally.Election:
    """The pot's frozen ballots as a pb.tally election (project ids are proposal ids), money
    in the pot's minor units (pence): Add1 steps by the pot's own setting, never by a unit
    derived from the costs."""
    proposals = ballot_proposals(pot)
    stored = db.session.execute(
        select(Ballot.choices).where(Ballot.pot_id == pot.id).order_by(Ballot.id)
    ).scalars()
    return tally.Election.from_ballots(
        {str(p.id): p.cost for p in proposals},
        pot.amount,
        (ballots.tally_form(pot, choices) for choices in stored),
        BallotMethod(pot.ballot_method).vote_type,
        max_length=pot.max_picks if pot.ballot_method == BallotMethod.RANKED else None,
    )


def count_pot(pot, *, what_if: bool = False) -> dict:
    """Run the pot's rule over its ballots, with its tie-break seed and Add1 step.

    The outcome as JSON, with the fairness figures of it and of the other rule beside it, and
    with ``what_if`` what it would have taken to fund each project left out (many counts
    again: the panel's tally runs in the background job queue for that).
    """
    election = election_for(pot)
    outcome = tally.run(election, pot.rule, seed=pot.seed or "", add1_step=pot.add1_step)
    document = outcome.to_dict()
    document["fairness"] = side_by_side(election, outcome.rule, outcome.selected, pot.seed or "")
    if what_if:
        figures = what_it_would_take(election, outcome, pot.rule, pot.seed or "", pot.add1_step)
        document["what_it_would_take"] = [figure.to_dict() for figure in figures]
    return document


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


def tally_allowed(pot, correction_reason: str | None) -> str | None:
    """The correction reason a tally of the pot would carry; raises PhaseError if it cannot run.

    Before the first publication the pot must be closed (no reason); afterwards a tally is a
    correction, which needs one.
    """
    if pot.phase not in (Phase.CLOSED, Phase.PUBLISHED):
        raise PhaseError(_("The tally runs once voting has closed."))
    if pot.envelopes_opened_at is None:
        raise PhaseError(_("Open the envelopes first: the tally counts the opened ballots."))
    if pot.phase == Phase.CLOSED:
        return None
    if not (correction_reason or "").strip():
        raise PhaseError(_("A correction needs a reason, which is published with it."))
    return correction_reason


@atomic
def start_tally(pot, actor, *, correction_reason: str | None = None) -> jobs.Job:
    """Queue the pot's count (with what it would have taken to fund each project left out).

    Checks now that it may run, so the panel hears at once; the caller commits, then calls
    ``jobs.start``.
    """
    reason = tally_allowed(pot, correction_reason)
    return jobs.enqueue(
        "tally", pot=pot, actor=actor, params=json.dumps({"correction_reason": reason})
    )


@jobs.handler("tally")
def _tally_job(job: jobs.Job) -> None:
    from pb.auth.models import User
    from pb.pots.models import Pot
    from pb.tally import BallotError

    pot = db.session.get(Pot, job.pot_id)
    actor = db.session.get(User, job.actor_id) if job.actor_id else None
    reason = json.loads(job.params or "{}").get("correction_reason")
    job.progress = _("Counting the ballots.")
    try:
        run_tally(pot, actor, correction_reason=reason, what_if=True)
    except (PhaseError, BallotError) as exc:
        raise jobs.JobError(str(exc)) from None


def run_tally(pot, actor, *, correction_reason: str | None = None, what_if: bool = False) -> Result:
    """Run the pot's rule over its ballots and keep the outcome as an unpublished preview.

    Before the first publication the pot must be closed; afterwards a tally is a
    correction, which needs a reason. A newer preview replaces an older unpublished one.
    """
    correction_reason = tally_allowed(pot, correction_reason)
    outcome = count_pot(pot, what_if=what_if)
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
        outcome=outcome,
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
        selected=outcome["selected"],
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


@atomic
def publish(pot, actor, *, reason: str | None = None, at: datetime | None = None) -> Result:
    """Publish the previewed tally. The first publication moves the pot to `published`.

    The panel's reason for publishing (a meeting, a check) goes into the audit log. ``at`` is
    when it was published, for an imported election (its source's end date).
    """
    preview = latest(pot, published=False)
    if pot.phase == Phase.CLOSED:
        pot.publish(tallied=preview is not None)
    elif pot.phase != Phase.PUBLISHED:
        raise PhaseError(_("Results can be published once voting has closed and been tallied."))
    if preview is None:
        raise PhaseError(_("Run the tally and check the preview before publishing."))
    preview.published_at = (at or utcnow()).replace(microsecond=0)
    preview.published_by_id = actor.id if actor else None
    chain.append(pot, "published", chain.sha256_hex(chain.canonical(document(preview))))
    record(
        "results.corrected" if preview.correction_reason else "results.published",
        actor=actor,
        pot=pot,
        version=preview.version,
        reason=preview.correction_reason,
        note=(reason or "").strip() or None,
    )
    notify.results_published(pot)
    return preview


def standings(pot) -> dict[str, dict]:
    """Each project's place in the pot's latest published result, by proposal id (as text):
    funded or not, with its votes (or points) and supporters; empty before publication."""
    if not pot.is_published:
        return {}
    published = publications(pot)
    if not published:
        return {}
    return {
        project["project_id"]: {
            "funded": bool(project["selected"]),
            "score": project["score"],
            "supporters": project.get("supporters"),
        }
        for project in published[0].outcome.get("projects", [])
    }
