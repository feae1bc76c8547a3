"""Tally explanations in the site's words and the pot's money, from pb.tally's outcome data."""

from pb.money import format_money, minor_from_json


def reason(project: dict, currency: str) -> str:
    """Why a project was not funded, in plain words and the pot's money."""
    if project["selected"]:
        return f"Funded in round {project['round']}."
    if not project["supporters"]:
        return "No one voted for it."
    cost = format_money(minor_from_json(project["cost"]), currency)
    if project.get("supporters_money") is not None:
        had = format_money(minor_from_json(project["supporters_money"]), currency)
        support = project.get("effective_support")
        share = f" (effective support {support:.1f}%)" if support is not None else ""
        return f"Its supporters had {had} of the {cost} it costs{share}."
    if project.get("remaining_budget") is not None:
        left = format_money(minor_from_json(project["remaining_budget"]), currency)
        return f"Did not fit: {left} left, needed {cost}."
    return project.get("reason") or "Not funded."


def in_order(outcome: dict) -> list[dict]:
    """Funded projects in the order they were chosen, then the rest by score."""
    by_id = {p["project_id"]: p for p in outcome["projects"]}
    chosen = [by_id[pid] for pid in outcome["selected"]]
    rest = sorted(
        (p for p in outcome["projects"] if not p["selected"]),
        key=lambda p: (-p["score"], minor_from_json(p["cost"])),
    )
    return chosen + rest


def would_take(figure: dict | None, currency: str) -> str | None:
    """What would have funded a project left out, in plain words (None when not worked out)."""
    if figure is None:
        return None
    parts = []
    if figure.get("max_cost") is not None:
        cost = format_money(minor_from_json(figure["max_cost"]), currency)
        exact = figure.get("max_cost_exact", True)
        parts.append(f"at {cost}" if exact else f"at {cost} (or perhaps a little more)")
    if figure.get("extra_supporters") is not None:
        n = figure["extra_supporters"]
        parts.append(f"with {n:,} more supporter{'' if n == 1 else 's'}")
    elif figure.get("more_than") is not None:
        parts.append(f"not even with {figure['more_than']:,} more supporters")
    if not parts:
        return "It would not have been funded at any cost with these ballots."
    if len(parts) == 2 and not parts[1].startswith("not"):
        return f"It would have been funded {parts[0]}, or {parts[1]}."
    if len(parts) == 2:
        return f"It would have been funded {parts[0]}; {parts[1]}."
    return (
        f"It would have been funded {parts[0]}."
        if not parts[0].startswith("not")
        else (f"More supporters alone would not have done it: {parts[0]}.")
    )
