"""The API's JSON for pots, proposals and results: public facts only, money in minor units.

Every `*_minor` field is an integer number of the minor unit of the council's ISO 4217
currency (pence for GBP, grosze for PLN, cents for EUR), which every answer that holds money
names in `currency`.

Each function returns exactly the fields its schema in `pb.api.openapi` lists; nothing that
names or reaches a person (proposers, voters, panel members) ever goes in.
"""

from datetime import UTC, date, datetime

from pb.http import absolute_url
from pb.i18n import html_lang
from pb.money import minor_from_json
from pb.pots.models import Phase, Pot
from pb.proposals.models import Proposal
from pb.results import explain
from pb.results.models import Result

ALL_WARDS = "All wards"


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def timestamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC; SQLite hands back naive datetimes, which pb always stores in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _versions(row, fields: tuple[str, ...]) -> dict:
    """Every translation of the row's text, as stored (all languages, whatever the reader's)."""
    out = {}
    for code, values in sorted((row.translations or {}).items()):
        kept = {name: values[name] for name in fields if values.get(name)}
        if kept:
            out[code] = kept
    return out


def pot(pot: Pot, proposal_count: int) -> dict:
    published = pot.phase == Phase.PUBLISHED
    return {
        "id": pot.id,
        "name": pot.name,
        "description": pot.description,
        "language": html_lang(pot.council.source_locale),
        "translations": _versions(pot, ("name", "description")),
        "area": pot.ward.name if pot.ward else ALL_WARDS,
        "ward_code": pot.ward.code if pot.ward else None,
        "year": pot.year,
        "phase": pot.phase,
        "phase_label": pot.phase_label,
        "currency": pot.currency,
        "amount_minor": pot.amount,
        "ballot_method": pot.ballot_method,
        "min_picks": pot.min_picks,
        "max_picks": pot.max_picks,
        "spending_cap_minor": pot.spending_cap,
        "points_total": pot.points_total,
        "points_max": pot.points_max,
        "rule": pot.rule,
        "eligibility_mode": pot.eligibility_mode,
        "min_age": pot.min_age,
        "timeline": {
            "proposals_open_on": day(pot.proposals_open_on),
            "review_starts_on": day(pot.review_starts_on),
            "voting_opens_on": day(pot.voting_opens_on),
            "voting_closes_on": day(pot.voting_closes_on),
            "results_on": day(pot.results_on),
            "voting_opened_at": timestamp(pot.voting_opened_at),
            "voting_closed_at": timestamp(pot.voting_closed_at),
        },
        # The commitment is public from the opening of voting, the seed from publication.
        "seed_sha256": pot.seed_sha256 if pot.settings_frozen else None,
        "seed": pot.public_seed,
        "proposal_count": proposal_count,
        "links": {
            "self": absolute_url("api.pot", pot_id=pot.id),
            "proposals": absolute_url("api.proposals", pot_id=pot.id),
            "results": absolute_url("api.results", pot_id=pot.id) if published else None,
            "html": absolute_url("pots.show", pot_id=pot.id),
        },
    }


def proposal(proposal: Proposal) -> dict:
    delivery = None
    if proposal.delivery_status:
        delivery = {"status": proposal.delivery_status, "progress": proposal.delivery_progress}
    return {
        "id": proposal.id,
        "title": proposal.title,
        "summary": proposal.summary,
        "language": html_lang(proposal.pot.council.source_locale),
        "translations": _versions(proposal, ("title", "summary")),
        "cost_minor": proposal.cost,
        "category": proposal.category,
        "status": proposal.status,
        "review_note": proposal.review_note,
        "merged_into": proposal.merged_into_id,
        "delivery": delivery,
        "links": {"html": absolute_url("proposals.show", proposal_id=proposal.id)},
    }


def proposals(pot: Pot, rows: list[Proposal]) -> dict:
    return {
        "pot_id": pot.id,
        "currency": pot.currency,
        "proposals": [proposal(p) for p in rows],
    }


def results(pot: Pot, published: list[Result], titles: dict[str, str]) -> dict:
    """The newest published result in full, and the versions it corrected, newest first."""
    latest, earlier = published[0], published[1:]
    outcome = latest.outcome
    return {
        "pot_id": pot.id,
        "version": latest.version,
        "published_at": timestamp(latest.published_at),
        "correction_reason": latest.correction_reason,
        "rule": latest.rule,
        "seed": latest.seed,
        "seed_sha256": pot.seed_sha256,
        "ballots_online": latest.ballots_online,
        "ballots_paper": latest.ballots_paper,
        "currency": pot.currency,
        "budget_minor": minor_from_json(outcome["budget"]),
        "total_cost_minor": minor_from_json(outcome["total_cost"]),
        "covered_share": outcome["covered_share"],
        "selected": [int(project_id) for project_id in outcome["selected"]],
        # Present when the tally recorded them (counts made before these figures had none).
        "add1_step_minor": outcome.get("add1_step"),
        "add1_step_pence": outcome.get("add1_step"),  # deprecated: add1_step_minor
        "comparison": outcome.get("comparison"),
        "fairness": outcome.get("fairness"),
        "what_it_would_take": outcome.get("what_it_would_take"),
        "projects": [
            {
                "id": int(project["project_id"]),
                "title": titles.get(project["project_id"]),
                "cost_minor": minor_from_json(project["cost"]),
                "score": project["score"],
                "supporters": project["supporters"],
                "selected": project["selected"],
                "round": project["round"],
                "reason": explain.reason(project, currency=pot.currency),
            }
            for project in explain.in_order(outcome)
        ],
        "earlier_versions": [
            {
                "version": result.version,
                "published_at": timestamp(result.published_at),
                "correction_reason": result.correction_reason,
            }
            for result in earlier
        ],
        "links": {
            "pot": absolute_url("api.pot", pot_id=pot.id),
            "html": absolute_url("results.show", pot_id=pot.id),
        },
    }


def goes_local(figures: dict, currency: str) -> dict:
    """pb.dashboard's figures for a year (money already in minor units), under the API's names."""
    return {
        "year": figures["year"],
        "years": figures["years"],
        "council": figures["council"]["name"],
        "currency": currency,
        "council_budget_minor": figures["council"]["annual_budget"],
        "devolved_minor": figures["devolved"],
        "devolved_share_percent": figures["devolved_percent"],
        "wards": [
            {
                "ward": area["area"],
                "ward_code": area["ward_code"],
                "pots": area["pots"],
                "population": area["population"],
                "pot_amount_minor": area["amount"],
                "per_resident_minor": area["amount_per_resident"],
                "proposals": area["proposals"],
                "ballots": area["ballots"],
                "turnout_percent": area["turnout_percent"],
                "funded_minor": area["funded"],
                "delivered_minor": area["delivered"],
            }
            for area in figures["areas"]
        ],
    }
