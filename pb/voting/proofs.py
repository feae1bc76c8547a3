"""Showing a voter-roll entry or an access code before voting in a pot that needs one.

The resident proves it once per pot; the session then carries the entry's or code's id, and
every later step (and the cast itself) checks it again against the database.
"""

from pb.electorate import services as electorate
from pb.electorate.models import AccessCode, VoterRollEntry
from pb.extensions import db
from pb.voting.eligibility import Proof
from pb.voting.people import elector_ref

SESSION_KEY = "pb_proofs"


class ProofError(Exception):
    """The details do not prove eligibility; the message says what to check."""


def prove_roll(pot, reference: str, postcode: str, date_of_birth) -> Proof:
    entry = electorate.match_roll_entry(pot, reference, postcode, date_of_birth)
    if entry is None:
        raise ProofError(
            "These details do not match an entry on the voter roll. Check your elector "
            "reference, postcode and date of birth are as on your poll card."
        )
    if electorate.roll_entry_used(entry):
        raise ProofError("This voter roll entry has already been used to vote in this pot.")
    return Proof(
        roll_entry_id=entry.id,
        date_of_birth=entry.date_of_birth,
        elector_ref=elector_ref(entry.reference),
    )


def prove_code(pot, text: str) -> Proof:
    status, code = electorate.code_status(pot, text)
    if status == "unknown":
        raise ProofError("This is not an access code for this pot. Check it against your letter.")
    if status == "void":
        raise ProofError("This access code has been cancelled. Contact the council for a new one.")
    if status == "used":
        raise ProofError("This access code has already been used to vote.")
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
        status, _ = electorate.code_status(pot, code.code)
        return Proof(access_code_id=code.id, usable=status == "ok")
    return None
