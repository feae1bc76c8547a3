"""The `pb` command: the Flask CLI for this app plus pb's own commands.

`pb run`, `pb db upgrade` (Flask-Migrate), `pb demo`, `pb tally FILE.pb ...`.
"""

import json

import click
from flask.cli import FlaskGroup, with_appcontext

from pb import create_app
from pb.tally.cli import tally_command

cli = FlaskGroup(create_app=lambda: create_app(), help=__doc__)
cli.add_command(tally_command, "tally")


@cli.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill an empty database with a demo council, wards, pots and accounts."""
    from pb import demo

    if not demo.seed():
        click.echo("The database already has data; demo data not added.")
    else:
        imported = demo.import_real_election()
        if imported:
            click.echo(f"Imported a real election, published with its audit package: {imported}")
        else:
            click.echo(f"({demo.REAL_ELECTION} not found in {demo.pabulib_dir()}; skipped.)")
    demo.print_logins()


@cli.command("audit-package")
@click.argument("pot_id", type=int)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="Where to write the zip."
)
@with_appcontext
def audit_package_command(pot_id: int, output: str) -> None:
    """Write the signed audit package of a published pot."""
    from pathlib import Path

    from pb.audit import package
    from pb.extensions import db
    from pb.pots.models import Pot

    pot = db.session.get(Pot, pot_id)
    if pot is None:
        raise click.ClickException(f"there is no pot {pot_id}")
    try:
        data = package.build(pot)
    except package.NotPublished as exc:
        raise click.ClickException(str(exc)) from None
    Path(output).write_bytes(data)
    click.echo(f"wrote {output} ({len(data):,} bytes)")


@cli.command("verify")
@click.argument("package", type=click.Path(exists=True, dir_okay=False))
@click.option("--receipt", help="Also confirm that this receipt's ballot is in the package.")
@click.option("--public-key", help="The council's public key (hex), as shown on its site.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--with-pabutools", is_flag=True, help="Re-count with pabutools as well.")
@click.pass_context
def verify_command(ctx, package, receipt, public_key, as_json, with_pabutools) -> None:
    """Check an audit package: signature, hashes, chain, ballots, seed and a re-count.

    Exits 0 when everything holds, 1 with one line per failed check.
    """
    from pb.audit.verify import verify

    report = verify(package, receipt=receipt, public_key=public_key, with_pabutools=with_pabutools)
    if as_json:
        click.echo(json.dumps(report.to_dict()))
    else:
        for name, ok, detail in report.checks:
            if ok:
                click.echo(f"ok    {name}" + (f" ({detail})" if detail else ""))
        for line in report.failures:
            click.echo(f"FAIL  {line}")
        click.echo("The package holds." if report.ok else "The package does NOT hold.")
    ctx.exit(0 if report.ok else 1)


@cli.command("import-pabulib")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--population", type=int, help="Residents of the area (for turnout).")
@with_appcontext
def import_pabulib_command(files, population) -> None:
    """Create a published pot from each pabulib FILE (a real election)."""
    from pb.extensions import db
    from pb.results.imports import import_pabulib
    from pb.tally.pabulib import PabulibError

    for path in files:
        try:
            pot = import_pabulib(path, population=population)
        except (PabulibError, ValueError, KeyError) as exc:
            db.session.rollback()
            raise click.ClickException(f"{path}: {exc}") from None
        db.session.commit()
        click.echo(f"{path}: pot {pot.id}, {pot.name}")


def main() -> None:
    cli(prog_name="pb")
