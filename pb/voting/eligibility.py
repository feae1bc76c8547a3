"""Who may vote in a pot, and, when someone may not, which condition failed and what to do."""

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from pb.councils.models import Postcode
from pb.extensions import db
from pb.timeutil import today
from pb.voting.models import Participation


@dataclass(frozen=True)
class Problem:
    """One unmet condition: what it is, why it matters here, and what the resident can do."""

    code: str
    condition: str
    explanation: str
    action_label: str | None = None
    action_url: str | None = None


def ward_of(postcode: str | None) -> int | None:
    """The ward id a postcode belongs to, or None when it is not one of the council's."""
    if not postcode:
        return None
    return db.session.scalar(select(Postcode.ward_id).where(Postcode.postcode == postcode))


def has_taken_part(user, pot) -> bool:
    query = select(Participation.id).where(
        Participation.pot_id == pot.id, Participation.user_id == user.id
    )
    return db.session.scalar(query) is not None


def area_problem(user, pot) -> Problem | None:
    """Whether the user's postcode places them in the pot's area (used for proposing too)."""
    if pot.covers_ward(ward_of(user.postcode)):
        return None
    return Problem(
        "area",
        f"Live in {pot.area_name}",
        f"Your postcode {user.postcode or '(none given)'} is not in {pot.area_name}, so you "
        "cannot take part in this pot. If you have moved, update your postcode.",
        "Update your postcode",
        url_for("auth.account", next=url_for("pots.show", pot_id=pot.id)),
    )


def confirmation_problem(user) -> Problem | None:
    if user.email_confirmed:
        return None
    return Problem(
        "email",
        "Confirm your e-mail address",
        f"We sent a link to {user.email} when you registered. Open it to confirm your address.",
        "Send the link again",
        url_for("auth.resend_confirmation"),
    )


def voting_problems(user, pot, *, check_participation: bool = True) -> list[Problem]:
    """Every condition the user does not meet to vote in `pot`; empty means they may vote.

    Casting leaves out the participation check: the database's unique key decides that.
    """
    problems: list[Problem] = []
    if pot.phase != "voting":
        problems.append(
            Problem(
                "phase",
                "Voting must be open",
                f"{pot.name} is not open for voting: it is {pot.phase_label.lower()}.",
                "See the pot's timeline",
                url_for("pots.show", pot_id=pot.id),
            )
        )
    if (problem := confirmation_problem(user)) is not None:
        problems.append(problem)
    if (problem := area_problem(user, pot)) is not None:
        problems.append(problem)
    if pot.min_age:
        age = user.age_on(today())
        if age is None:
            problems.append(
                Problem(
                    "age",
                    f"Be aged {pot.min_age} or over",
                    f"Voting in this pot is for people aged {pot.min_age} or over. "
                    "Add your date of birth to your account so we can check.",
                    "Add your date of birth",
                    url_for("auth.account", next=url_for("pots.show", pot_id=pot.id)),
                )
            )
        elif age < pot.min_age:
            problems.append(
                Problem(
                    "age",
                    f"Be aged {pot.min_age} or over",
                    f"Voting in this pot is for people aged {pot.min_age} or over. "
                    "You can still propose projects and follow the results.",
                )
            )
    if check_participation and has_taken_part(user, pot):
        problems.append(
            Problem(
                "voted",
                "Not have voted already",
                "You have already voted in this pot. Each resident votes once; your ballot "
                "is recorded and will be counted.",
                "Check a receipt",
                url_for("voting.check_receipt"),
            )
        )
    return problems
