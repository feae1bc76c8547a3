"""The `pb` command: the Flask CLI for this app plus pb's own commands.

`pb run`, `pb db upgrade` (Flask-Migrate), `pb demo`, `pb tally FILE.pb ...`,
`pb backup FILE`, `pb restore FILE`.
"""

import json

import click
from flask import current_app
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
    from pb.results.imports import import_pabulib, import_report
    from pb.tally.pabulib import PabulibError

    for path in files:
        try:
            pot = import_pabulib(path, population=population)
        except (PabulibError, ValueError, KeyError) as exc:
            db.session.rollback()
            raise click.ClickException(f"{path}: {exc}") from None
        db.session.commit()
        click.echo(f"{path}: pot {pot.id}, {pot.name}")
        for line in import_report(pot):
            click.echo(f"  {line}")


@cli.command("export-pabulib")
@click.argument("pot_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@with_appcontext
def export_pabulib_command(pot_id: int, output: str) -> None:
    """Write a published pot's ballots as a pabulib file (the audit package's ballots.pb)."""
    from pb.audit.package import ballots_file
    from pb.extensions import db
    from pb.pots.models import Pot
    from pb.results.services import publications
    from pb.tally import pabulib

    pot = db.session.get(Pot, pot_id)
    published = publications(pot) if pot else []
    if not published:
        raise click.ClickException(f"pot {pot_id} has no published results")
    pabulib.write(ballots_file(pot, published[0]), output)
    click.echo(f"{output}: {pot.name}")


@cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file: str) -> None:
    """Back up the whole database to FILE (pg_dump custom format, or an SQLite file)."""
    from pb import backup

    try:
        backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up to {file}")


@cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file: str, yes: bool) -> None:
    """Replace everything in the database with the backup in FILE."""
    from pb import backup
    from pb.extensions import db

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if not yes:
        click.confirm(f"Replace everything in {db.engine.url!r} with {file}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old tables
    try:
        backup.restore(url, file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {file}")


def main() -> None:
    cli(prog_name="pb")
