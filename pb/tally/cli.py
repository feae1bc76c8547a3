"""`pb tally FILE.pb ...`: tally pabulib files with no database and no app configuration."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pb.tally.outcome import Outcome, format_money
from pb.tally.pabulib import PabulibError, read
from pb.tally.rules import RULES, rule_name, run


@click.command("tally")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--rule",
    type=click.Choice(list(RULES)),
    default=None,
    help="Rule to apply. Default: the file's META rule if it is one of these, else greedy.",
)
@click.option("--seed", default="", show_default=True, help="Published seed for the tie lottery.")
@click.option(
    "--add1-step",
    type=click.IntRange(min=1),
    default=None,
    help="Add1 rules: money per voter added each step, in the file's units. Default: 1.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line.")
@click.pass_context
def tally_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    rule: str | None,
    seed: str,
    add1_step: int | None,
    as_json: bool,
) -> None:
    """Tally pabulib FILES and explain every decision.

    A file that cannot be read is reported and skipped; the command then exits with status 2
    once the other files are done.
    """
    failed = False
    for path in files:
        try:
            data = read(path)
        except (OSError, UnicodeDecodeError, PabulibError) as exc:
            failed = True
            message = str(exc) if isinstance(exc, PabulibError) else f"{path.name}: {exc}"
            click.echo(f"error: {message}", err=True)
            if as_json:
                line = exc.line if isinstance(exc, PabulibError) else None
                click.echo(json.dumps({"file": path.name, "error": message, "line": line}))
            continue
        chosen = rule or rule_name(data.meta.get("rule")) or "greedy"
        outcome = run(data.election, chosen, seed, add1_step=add1_step)
        if as_json:
            click.echo(json.dumps({"file": path.name, **outcome.to_dict()}, ensure_ascii=False))
        else:
            click.echo(render(path.name, outcome, data.election.profile.num_groups))
    if failed:
        ctx.exit(2)


def render(name: str, outcome: Outcome, groups: int | None = None) -> str:
    """A readable report: the parameters, a summary and one table row per project."""
    lines = [name, "=" * len(name)]
    params = f"rule {outcome.rule}, seed {outcome.seed!r}, budget {format_money(outcome.budget)}"
    voters = f"{outcome.voters:,} voters"
    if groups is not None:
        voters += f" ({groups:,} distinct ballots)"
    lines.append(f"{params}, {voters}")
    if outcome.endowment is not None:
        endowment = f"each voter started with {format_money(outcome.endowment)}"
        if outcome.add1_steps is not None:
            step = format_money(outcome.add1_step or 1)
            endowment += f" (budget/n + {outcome.add1_steps:,} steps of {step})"
        lines.append(endowment)
    vote = outcome.comparison
    if vote is not None:
        lines.append(
            f"comparison: {vote.prefer_equal_shares:,} voters prefer Equal Shares' "
            f"{len(vote.equal_shares_selected)} projects, {vote.prefer_greedy:,} greedy's "
            f"{len(vote.greedy_selected)}, {vote.indifferent:,} neither: "
            f"{'greedy' if vote.chosen == 'greedy' else 'Equal Shares'} chosen"
        )
    budget = float(outcome.budget)
    share = f" ({float(outcome.total_cost) / budget:.1%} of the budget)" if budget else ""
    lines.append(
        f"funded {len(outcome.selected)} of {len(outcome.projects)} projects, "
        f"total cost {format_money(outcome.total_cost)}{share}"
    )
    lines.append(
        f"{float(outcome.covered_share):.1%} of voters have a funded project they supported"
    )
    order = {pid: i for i, pid in enumerate(outcome.selected)}
    ranked = sorted(
        outcome.projects,
        key=lambda p: (p.project_id not in order, order.get(p.project_id, 0), -p.score),
    )
    header = ("round", "project", "cost", "supporters", "score", "result")
    rows = [
        (
            str(p.round) if p.round is not None else "-",
            p.project_id,
            format_money(p.cost),
            f"{p.supporters:,}",
            f"{p.score:,}",
            "funded" if p.selected else f"not funded: {p.reason}",
        )
        for p in ranked
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines.append("")
    for row in [header, *rows]:
        cells = [
            cell.rjust(w) if i in (2, 3, 4) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, row[-1]]))
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Entry point for ``python -m pb.tally``."""
    tally_command(prog_name="python -m pb.tally")
