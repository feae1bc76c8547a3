"""Who may vote in a pot, and, when someone may not, which condition failed and what to do."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from pb.extensions import db
from pb.pots.models import Phase
from pb.timeutil import today, years_between
from pb.voting.models import Participation
from pb.voting.people import normal_name, person_key


@dataclass(frozen=True)
class Problem:
    """One unmet condition: what it is, why it matters here, and what the resident can do."""

    code: str
    condition: str
    explanation: str
    action_label: str | None = None
    # Where the action leads, as an endpoint and its arguments: the page builds the URL
    # (`problems_list` in _macros.html). `back_to_pot`: the page it leads to returns to the pot.
    action: str | None = None
    action_args: Mapping[str, Any] = field(default_factory=dict)
    back_to_pot: bool = False


def has_taken_part(user, pot) -> bool:
    query = select(Participation.id).where(
        Participation.pot_id == pot.id, Participation.user_id == user.id
    )
    return db.session.scalar(query) is not None


def in_round(pot):
    """Participations that count against a vote in `pot`: its own, or its round's ward pots."""
    where = Participation.pot_id == pot.id
    if pot.ward_round_id is not None:
        where |= Participation.ward_round_id == pot.ward_round_id
    return where


def paper_record_of(user, pot):
    """The pot where a paper voter who is most likely this account holder was recorded, if
    any: born the same day, with the same name or at the same postcode.

    Exact matches are the unique keys' job; this catches the rest (a shorter name online, a
    move since). A twin at the same address is refused too, and told to see an officer, who
    can record them on paper after checking.
    """
    from pb.pots.models import Pot

    if user.date_of_birth is None:
        return None
    rows = db.session.execute(
        select(Participation.name, Participation.postcode, Pot)
        .join(Pot, Pot.id == Participation.pot_id)
        .where(
            in_round(pot),
            Participation.channel == "paper",
            Participation.user_id.is_(None),
            Participation.date_of_birth == user.date_of_birth,
        )
    ).all()
    mine = normal_name(user.display_name)
    for name, postcode, found in rows:
        if normal_name(name or "") == mine or (postcode and postcode == user.postcode):
            return found
    return None


def taken_part_in(user, pot):
    """The pot where the user's vote counts instead of in `pot`, if any: `pot` itself when
    they took part in it, or the ward pot of the same round they took part in."""
    from pb.pots.models import Pot

    person = Participation.user_id == user.id
    if key := person_key(user.display_name, user.postcode, user.date_of_birth):
        person |= Participation.person_key == key  # recorded on paper under their name
    query = (
        select(Pot)
        .join(Participation, Participation.pot_id == Pot.id)
        .where(person, in_round(pot))
        .order_by(Participation.pot_id != pot.id)
        .limit(1)
    )
    return db.session.scalar(query) or paper_record_of(user, pot)


def area_problem(user, pot) -> Problem | None:
    """Whether the user's postcode places them in the pot's area (used for proposing too)."""
    if pot.covers_ward(user.ward_id):
        return None
    return Problem(
        "area",
        _("Live in %(area_name)s", area_name=pot.area_name),
        _(
            "Your postcode %(postcode)s is not in %(area_name)s, so you cannot take "
            "part in this pot. If you have moved, update your postcode.",
            postcode=user.postcode or _("(none given)"),
            area_name=pot.area_name,
        ),
        _("Update your postcode"),
        action="auth.account",
        back_to_pot=True,
    )


def confirmation_problem(user) -> Problem | None:
    if user.email_confirmed:
        return None
    return Problem(
        "email",
        _("Confirm your e-mail address"),
        _(
            "We sent a link to %(email)s when you registered. Open it to confirm your address.",
            email=user.email,
        ),
        _("Send the link again"),
        action="auth.resend_confirmation",
    )


def proof_problem(pot, proof: "Proof | None") -> Problem | None:
    """For roll and code pots: whether the resident has shown their roll entry or code."""
    if pot.eligibility_mode == "open":
        return None
    if proof is not None and proof.usable:
        return None
    if pot.eligibility_mode == "roll":
        return Problem(
            "roll",
            _("Match an entry on the voter roll"),
            _(
                "This pot is for the people on its voter roll. Enter your elector "
                "reference (it is on your poll card), postcode and date of birth."
            ),
            _("Enter your voter roll details"),
            action="voting.prove",
            action_args={"pot_id": pot.id},
        )
    return Problem(
        "code",
        _("Enter your access code"),
        _(
            "This pot uses one-time access codes, posted to every household in the "
            "area. Enter the code from your letter."
        ),
        _("Enter your access code"),
        action="voting.prove",
        action_args={"pot_id": pot.id},
    )


def _age_problem(pot, age: int | None) -> Problem | None:
    if not pot.min_age or (age is not None and age >= pot.min_age):
        return None
    if age is None:
        return Problem(
            "age",
            _("Be aged %(min_age)s or over", min_age=pot.min_age),
            _(
                "Voting in this pot is for people aged %(min_age)s or over. Add your "
                "date of birth to your account so we can check.",
                min_age=pot.min_age,
            ),
            _("Add your date of birth"),
            action="auth.account",
            back_to_pot=True,
        )
    return Problem(
        "age",
        _("Be aged %(min_age)s or over", min_age=pot.min_age),
        _(
            "Voting in this pot is for people aged %(min_age)s or over. You can "
            "still propose projects and follow the results.",
            min_age=pot.min_age,
        ),
    )


def resident_problems(user, pot) -> list[Problem]:
    """Why the user may not propose, support or comment in the pot (empty: they may): a
    confirmed account, and a home in the pot's area. Voting asks more (voting_problems)."""
    problems = (confirmation_problem(user), area_problem(user, pot))
    return [p for p in problems if p is not None]


def voting_problems(
    user, pot, proof: "Proof | None" = None, *, check_participation: bool = True
) -> list[Problem]:
    """Every condition the user does not meet to vote in `pot`; empty means they may vote.

    `proof` is the voter-roll entry or access code the resident has shown, for pots that
    need one. Casting leaves out the participation check: the database's unique keys decide.
    """
    problems: list[Problem] = []
    if pot.phase != Phase.VOTING or not pot.sealing_key:
        problems.append(
            Problem(
                "phase",
                _("Voting must be open"),
                " ".join((pot.state_sentence, _("Voting is not open."))),
                _("See the pot's timeline"),
                action="pots.show",
                action_args={"pot_id": pot.id},
            )
        )
    candidates = [confirmation_problem(user)]
    if pot.eligibility_mode == "open":
        candidates.append(area_problem(user, pot))
    candidates.append(proof_problem(pot, proof))
    born = proof.date_of_birth if proof is not None and proof.date_of_birth else None
    if born is None:
        age = user.age_on(today(), pot.voting_opened_at)
    else:
        age = years_between(born, today())
    candidates.append(_age_problem(pot, age))
    problems.extend(p for p in candidates if p is not None)
    if check_participation and (voted_in := taken_part_in(user, pot)) is not None:
        problems.append(already_voted_problem(pot, voted_in))
    return problems


def already_voted_problem(pot, voted_in) -> Problem:
    """Why someone who has taken part in `voted_in` cannot vote in `pot`."""
    if voted_in.id == pot.id:
        return Problem(
            "voted",
            _("Not have voted already"),
            _(
                "You have already voted in this pot. Each resident votes once; your "
                "ballot is recorded and will be counted."
            ),
            _("Check a receipt"),
            action="voting.check_receipt",
        )
    return Problem(
        "round",
        _("Not have voted in another ward's pot this round"),
        _(
            "You have already voted in %(name)s, which runs in the same round "
            "(%(round)s). Each resident votes in one ward's pot a round (and in any"
            " council-wide pot); your vote counts there.",
            name=voted_in.name,
            round=pot.round.name if pot.round else pot.year,
        ),
        _("See that pot"),
        action="pots.show",
        action_args={"pot_id": voted_in.id},
    )


@dataclass(frozen=True)
class Proof:
    """A voter-roll entry or access code that a resident has shown for one pot."""

    roll_entry_id: int | None = None
    access_code_id: int | None = None
    date_of_birth: date | None = None
    usable: bool = True
    # The roll entry's elector reference (upper case), which keys the person in the round.
    elector_ref: str | None = None
