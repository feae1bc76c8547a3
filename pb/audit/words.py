"""The audit log in words, for the panel and auditors: who did what, when, in sentences.

The stored events keep their codes and JSON (the chain and the package depend on them); this
only says them plainly on the page.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pb.pots.models import PHASE_LABELS

EVENTS = {
    "account.registered": _l("An account was registered"),
    "account.email_confirmed": _l("An e-mail address was confirmed"),
    "account.password_reset": _l("A password was reset"),
    "account.signed_out_everywhere": _l("An account was signed out everywhere"),
    "account.ward_changed": _l("A resident moved to another ward"),
    "account.date_of_birth_changed": _l("A date of birth was changed"),
    "asset.proposed": _l("A community asset was proposed for the register"),
    "asset.reviewed": _l("A proposed community asset was reviewed"),
    "auth.login_failed": _l("A log-in failed"),
    "code.voided": _l("An access code was made void"),
    "codes.generated": _l("Access codes were made"),
    "comment.edited": _l("A comment was changed"),
    "comment.hidden": _l("A comment was hidden by the panel"),
    "council.languages": _l("The council's languages were changed"),
    "delivery.updated": _l("A delivery update was posted"),
    "mail.retried": _l("A failed e-mail was sent again"),
    "mail.discarded": _l("A failed e-mail was set aside"),
    "meeting.added": _l("A meeting was added"),
    "meeting.cancelled": _l("A meeting was cancelled"),
    "paper.batch_entered": _l("A batch of paper ballots was entered"),
    "paper.batch_mismatch": _l("Two entries of a paper batch did not match"),
    "paper.batch_counted": _l("A batch of paper ballots was counted"),
    "paper.voter_recorded": _l("A paper voter was recorded"),
    "picture.added": _l("A picture was added to a proposal"),
    "picture.removed": _l("A picture was removed by the panel"),
    "postcodes.imported": _l("A postcode list was imported"),
    "pot.created": _l("The pot was set up"),
    "pot.settings_changed": _l("The pot's settings were changed"),
    "pot.phase_changed": _l("The pot moved to its next phase"),
    "pot.supports_rule_set": _l("The supports rule was set"),
    "pot.supports_rule_cleared": _l("The supports phase was taken out"),
    "pot.supports_closed": _l("Supports closed and their rule was applied"),
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
    "results.corrected": _l("Corrected results were published"),
    "role.granted": _l("A role was given"),
    "role.revoked": _l("A role was taken away"),
    "roll.imported": _l("A voter roll was imported"),
    "wards.boundaries_imported": _l("Ward boundaries were imported"),
}
# Detail keys in words; values are shown as they are, lists joined.
FIELDS = {
    "after": _l("now"),
    "asset": _l("asset no."),
    "author": _l("author's account no."),
    "ballot_key": _l("ballot key"),
    "ballots": _l("ballots"),
    "batch": _l("batch"),
    "before": _l("before"),
    "changes": _l("changed"),
    "code": _l("code"),
    "comment": _l("comment no."),
    "cost": _l("cost"),
    "count": _l("how many"),
    "counts": _l("counts"),
    "during_voting": _l("while voting was open"),
    "email": _l("e-mail"),
    "fields": _l("changed"),
    "forward": _l("went forward"),
    "from": _l("from"),
    "had_one": _l("had one before"),
    "holders": _l("holders"),
    "into": _l("into proposal no."),
    "label": _l("label"),
    "languages": _l("languages"),
    "mail": _l("e-mail no."),
    "meeting": _l("meeting no."),
    "moved": _l("moved"),
    "new": _l("new"),
    "new_ward": _l("new ward"),
    "not_the_match": _l("not the person matched"),
    "note": _l("note"),
    "number": _l("number"),
    "old_ward": _l("old ward"),
    "on": _l("dated"),
    "on_ballot": _l("on the ballot"),
    "online": _l("online"),
    "paper": _l("on paper"),
    "picture": _l("picture no."),
    "place": _l("place"),
    "progress": _l("progress (%)"),
    "proposal": _l("proposal no."),
    "public_key": _l("public key"),
    "reason": _l("reason"),
    "role": _l("role"),
    "rule": _l("rule"),
    "seed_sha256": _l("lottery seed commitment"),
    "selected": _l("funded"),
    "settings": _l("settings"),
    "skipped": _l("skipped"),
    "status": _l("status"),
    "text": _l("text"),
    "threshold": _l("threshold"),
    "to": _l("to"),
    "unchanged": _l("unchanged"),
    "user": _l("account no."),
    "version": _l("version"),
    "ward": _l("ward"),
    "wards": _l("wards"),
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
            value = _("none")
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif key in ("before", "after") and value in PHASE_LABELS:
            value = PHASE_LABELS[value]
        label = str(FIELDS.get(key, key.replace("_", " ")))
        lines.append((label, str(value)[:200]))
    return lines
