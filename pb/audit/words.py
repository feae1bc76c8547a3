"""The audit log in words, for the panel and auditors: who did what, when, in sentences.

The stored events keep their codes and JSON (the chain and the package depend on them); this
only says them plainly on the page.
"""

from flask_babel import lazy_gettext as _l

EVENTS = {
    "account.registered": _l("An account was registered"),
    "account.email_confirmed": _l("An e-mail address was confirmed"),
    "account.password_reset": _l("A password was reset"),
    "account.signed_out_everywhere": _l("An account was signed out everywhere"),
    "account.ward_changed": _l("A resident moved to another ward"),
    "account.date_of_birth_changed": _l("A date of birth was changed"),
    "auth.login_failed": _l("A log-in failed"),
    "code.voided": _l("An access code was made void"),
    "codes.generated": _l("Access codes were made"),
    "delivery.updated": _l("A delivery update was posted"),
    "paper.batch_entered": _l("A batch of paper ballots was entered"),
    "paper.batch_mismatch": _l("Two entries of a paper batch did not match"),
    "paper.batch_counted": _l("A batch of paper ballots was counted"),
    "paper.voter_recorded": _l("A paper voter was recorded"),
    "postcodes.imported": _l("A postcode list was imported"),
    "pot.created": _l("The pot was set up"),
    "pot.settings_changed": _l("The pot's settings were changed"),
    "pot.phase_changed": _l("The pot moved to its next phase"),
    "pot.ballot_key_made": _l("The ballot key was made"),
    "pot.ballot_key_confirmed": _l("The ballot key's holders confirmed they kept it"),
    "pot.envelopes_opened": _l("The envelopes were opened"),
    "pot.tallied": _l("The votes were counted"),
    "proposal.submitted": _l("A proposal was submitted"),
    "proposal.edited": _l("A proposal was changed"),
    "proposal.feasible": _l("A proposal was found feasible"),
    "proposal.not_feasible": _l("A proposal was found not feasible"),
    "proposal.merged": _l("A proposal was merged into another"),
    "proposal.ballot_changed": _l("The ballot's list of proposals changed"),
    "results.published": _l("The results were published"),
    "results.outcome": _l("The outcome was recorded"),
    "role.granted": _l("A role was given"),
    "role.revoked": _l("A role was taken away"),
    "roll.imported": _l("A voter roll was imported"),
}
# Detail keys in words; values are shown as they are, lists joined.
FIELDS = {
    "from": _l("from"),
    "to": _l("to"),
    "reason": _l("reason"),
    "proposal": _l("proposal no."),
    "into": _l("into proposal no."),
    "fields": _l("changed"),
    "count": _l("how many"),
    "batch": _l("batch"),
    "version": _l("version"),
}


def event_words(code: str) -> str:
    """An event code in words ("pot.phase_changed" -> "The pot moved to its next phase")."""
    if code in EVENTS:
        return str(EVENTS[code])
    return code.replace(".", ": ").replace("_", " ").capitalize()


def detail_lines(payload) -> list[tuple[str, str]]:
    """The event's details as (what, value) pairs in words; long values are cut short."""
    if not isinstance(payload, dict):
        return [] if payload in (None, "") else [("", str(payload)[:200])]
    lines = []
    for key, value in payload.items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in value.items())
        elif value is None:
            value = "none"
        label = str(FIELDS.get(key, key.replace("_", " ")))
        lines.append((label, str(value)[:200]))
    return lines
