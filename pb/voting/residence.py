"""Where a resident's vote counts: changes of postcode and date of birth, and the rounds.

Moving house or correcting a birthday is allowed at any time and is audited (the old and new
ward, never a ballot), but the round's unique keys still allow one ward pot a person, and a
date of birth changed while a pot is voting never lifts an age refusal in that pot (see
pb.auth.models.User.born_for).
"""

from dataclasses import dataclass

from sqlalchemy import select

from pb.audit.services import record
from pb.councils.wards import ward_of_postcode
from pb.extensions import db
from pb.pots.models import Phase, Pot, Round
from pb.timeutil import utcnow
from pb.voting.models import Participation


def _voting_since(moment) -> bool:
    """Whether a pot that had opened by `moment` is still voting."""
    query = select(Pot.id).where(Pot.phase == Phase.VOTING, Pot.voting_opened_at <= moment).limit(1)
    return db.session.scalar(query) is not None


def update_details(user, display_name: str, postcode: str | None, date_of_birth) -> None:
    """Save a resident's name, postcode and date of birth, auditing ward and birthday changes."""
    old_ward, old_born = user.ward_id, user.date_of_birth
    user.display_name = display_name
    if postcode != user.postcode:
        user.postcode = postcode
        new_ward = ward_of_postcode(postcode)
        if new_ward != old_ward:
            record(
                "account.ward_changed",
                actor=user,
                old_ward=old_ward,
                new_ward=new_ward,
            )
    if date_of_birth != old_born:
        now = utcnow()
        if old_born is not None:
            earlier = user.date_of_birth_changed_at
            if user.held_date_of_birth and earlier and _voting_since(earlier):
                # Changed twice during the same voting: keep the younger of what was held.
                user.held_date_of_birth = max(user.held_date_of_birth, old_born)
            else:
                user.held_date_of_birth = old_born
        user.date_of_birth = date_of_birth
        user.date_of_birth_changed_at = now
        record(
            "account.date_of_birth_changed",
            actor=user,
            had_one=old_born is not None,
            during_voting=_voting_since(now),
        )


@dataclass(frozen=True)
class RoundVote:
    round: Round
    voted_in: Pot | None  # the ward pot the resident took part in this round
    can_vote_in: Pot | None  # else the voting ward pot of their postcode's ward


def current_rounds(user) -> list[RoundVote]:
    """For each round with a ward pot voting now: where the resident's vote counts."""
    voting = list(
        db.session.scalars(
            select(Pot).where(
                Pot.phase == Phase.VOTING, Pot.ward_id.is_not(None), Pot.round_id.is_not(None)
            )
        )
    )
    rounds = {pot.round.id: pot.round for pot in voting if pot.round is not None}
    taken = (
        dict(
            db.session.execute(
                select(Participation.ward_round_id, Pot)
                .join(Pot, Pot.id == Participation.pot_id)
                .where(
                    Participation.user_id == user.id, Participation.ward_round_id.in_(list(rounds))
                )
            ).all()
        )
        if rounds
        else {}
    )
    found = []
    for round_id, round_ in sorted(rounds.items(), key=lambda item: item[1].name):
        mine = next(
            (p for p in voting if p.round_id == round_id and p.ward_id == user.ward_id), None
        )
        found.append(RoundVote(round_, taken.get(round_id), None if round_id in taken else mine))
    return found
