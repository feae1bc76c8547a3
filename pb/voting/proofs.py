"""Showing a voter-roll entry or an access code before voting in a pot that needs one.

The resident proves it once per pot; the session then carries the entry's or code's id, and
every later step (and the cast itself) checks it again against the database.
"""

import hashlib

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pb.electorate import services as electorate
from pb.electorate.models import AccessCode, VoterRollEntry
from pb.extensions import db, limiter
from pb.voting.eligibility import Proof
from pb.voting.people import elector_ref

SESSION_KEY = "pb_proofs"


class ProofError(Exception):
    """The details do not prove eligibility; the message says what to check."""


# Failed proofs allowed per roll entry (its elector reference), per access code and per
# account, in each pot, within a day; the per-address rate limit (pb.http) comes on top. A
# guesser with many addresses, or with one elector's details and many dates of birth, stops
# here. (Someone could use up an elector's tries on purpose; that elector can still vote on
# paper or ask the council, and the count is reset after a day.)
PROOF_FAILURES_ALLOWED = 10
_FAILURES_KEEP_SECONDS = 24 * 3600

NO_MATCH = _l(
    "These details do not match an entry on the voter roll that can be used"
    " to vote online. Check your elector reference, postcode and date of "
    "birth are as on your poll card; if they are, contact the council."
)
TOO_MANY = _l(
    "There have been too many attempts with these details. Try again "
    "tomorrow, vote on paper, or contact the council."
)


def _attempt_keys(pot, user, kind: str, value: str) -> list[str]:
    digest = hashlib.sha256(f"{pot.id}\x1f{kind}\x1f{value}".encode()).hexdigest()
    return [f"pb/proof-failures/{digest}", f"pb/proof-failures/{pot.id}/user/{user.id}"]


def _refuse_if_over(keys: list[str]) -> None:
    if any(limiter.storage.get(key) >= PROOF_FAILURES_ALLOWED for key in keys):
        raise ProofError(TOO_MANY)


def _count_failure(keys: list[str]) -> None:
    for key in keys:
        limiter.storage.incr(key, _FAILURES_KEEP_SECONDS)


def prove_roll(pot, reference: str, postcode: str, date_of_birth, user=None) -> Proof:
    """The roll entry these details match. An entry already used gets the same answer as no
    match: an elector's details are not secret enough to tell anyone whether they voted."""
    keys = _attempt_keys(pot, user, "roll", (reference or "").strip().upper()) if user else []
    _refuse_if_over(keys)
    entry = electorate.match_roll_entry(pot, reference, postcode, date_of_birth)
    if entry is None or electorate.roll_entry_used(entry):
        _count_failure(keys)
        raise ProofError(NO_MATCH)
    return Proof(
        roll_entry_id=entry.id,
        date_of_birth=entry.date_of_birth,
        elector_ref=elector_ref(entry.reference),
    )


def prove_code(pot, text: str, user=None) -> Proof:
    """The access code typed. Knowing the code is the proof, so its holder may hear that it
    was used or cancelled."""
    keys = _attempt_keys(pot, user, "code", electorate.normalise_code(text) or "") if user else []
    _refuse_if_over(keys)
    status, code = electorate.code_status(pot, text)
    if status == "unknown" or code is None:
        _count_failure(keys)
        raise ProofError(
            _("This is not an access code for this pot. Check it against your letter.")
        )
    if status == "void":
        raise ProofError(
            _("This access code has been cancelled. Contact the council for a new one.")
        )
    if status == "used":
        raise ProofError(_("This access code has already been used to vote."))
    return Proof(access_code_id=code.id)


def remember(session, pot, proof: Proof) -> None:
    proofs = dict(session.get(SESSION_KEY, {}))
    proofs[str(pot.id)] = {"roll": proof.roll_entry_id, "code": proof.access_code_id}
    session[SESSION_KEY] = proofs


def load(session, pot) -> Proof | None:
    """The proof the session holds for `pot`, checked again; `usable` False if spent."""
    stored = session.get(SESSION_KEY, {}).get(str(pot.id))
    if not stored:
        return None
    if stored.get("roll"):
        entry = db.session.get(VoterRollEntry, stored["roll"])
        if entry is None or entry.pot_id != pot.id:
            return None
        usable = not electorate.roll_entry_used(entry)
        return Proof(
            roll_entry_id=entry.id,
            date_of_birth=entry.date_of_birth,
            usable=usable,
            elector_ref=elector_ref(entry.reference),
        )
    if stored.get("code"):
        code = db.session.get(AccessCode, stored["code"])
        if code is None or code.pot_id != pot.id:
            return None
        status, _code = electorate.code_status(pot, code.code)
        return Proof(access_code_id=code.id, usable=status == "ok")
    return None
