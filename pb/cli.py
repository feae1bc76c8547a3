"""The `pb` command: the Flask CLI for this app plus pb's own commands.

`pb run`, `pb db upgrade` (Flask-Migrate), `pb demo`, `pb tally FILE.pb ...`.
"""

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
    demo.print_logins()


def main() -> None:
    cli(prog_name="pb")
