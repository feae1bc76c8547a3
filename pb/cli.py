"""The `pb` command: the Flask CLI for this app plus pb's own commands.

`pb run`, `pb db upgrade` (Flask-Migrate), `pb demo`, `pb tally FILE.pb ...`,
`pb backup FILE`, `pb restore FILE`.
"""

import json

import click
from flask import current_app
from flask.cli import FlaskGroup, NoAppException, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from pb import create_app
from pb.i18n import number
from pb.tally.cli import tally_command


def _create_app():
    """The app for commands that need one; a setting that stops it (PB_ENV unset, a weak
    SECRET_KEY in production) is a plain message, not a traceback."""
    try:
        return create_app()
    except RuntimeError as exc:
        raise NoAppException(str(exc)) from None


cli = FlaskGroup(create_app=_create_app, help=__doc__)
cli.add_command(tally_command, "tally")


@cli.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill an empty database with a demo council, wards, pots and accounts."""
    from pb import demo

    keys = demo.seed()
    if keys is None:
        click.echo(_("The database already has data; demo data not added."))
    else:
        for pot_name, code in keys.items():
            click.echo(
                _(
                    "Ballot key of %(pot_name)s (demo only: a real council's key is shown "
                    "once, to its holders): %(code)s",
                    pot_name=pot_name,
                    code=code,
                )
            )
        imported = demo.import_real_election()
        if imported:
            click.echo(
                _(
                    "Imported a real election, published with its audit package: %(imported)s",
                    imported=imported,
                )
            )
        else:
            click.echo(
                _(
                    "(%(REAL_ELECTION)s not found in %(pabulib_dir)s; skipped.)",
                    REAL_ELECTION=demo.REAL_ELECTION,
                    pabulib_dir=demo.pabulib_dir(),
                )
            )
    demo.print_logins()


@cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="Jobs run at the same time.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Take jobs from the background queue (counts) until stopped with Ctrl-C or SIGTERM."""
    from pb import jobs

    jobs.worker(workers)


@cli.command("remind")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as of this day.")
@with_appcontext
def remind_command(on) -> None:
    """Remind followers who have not voted, two days before a pot's planned close (run daily)."""
    from pb.conversation import schedule

    reached = schedule.run_reminders(on.date() if on else None)
    click.echo(ngettext("Reminded %(num)s resident.", "Reminded %(num)s residents.", reached))


@cli.command("digest")
@with_appcontext
def digest_command() -> None:
    """Send the weekly digests to residents who chose them (run weekly)."""
    from pb.conversation import schedule

    sent = schedule.run_digests()
    click.echo(ngettext("Sent %(num)s digest.", "Sent %(num)s digests.", sent))


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
        raise click.ClickException(_("there is no pot %(id)s", id=pot_id))
    try:
        data = package.build(pot)
    except package.NotPublished as exc:
        raise click.ClickException(str(exc)) from None
    Path(output).write_bytes(data)
    size = len(data)
    click.echo(
        ngettext(
            "wrote %(output)s (%(size)s byte)",
            "wrote %(output)s (%(size)s bytes)",
            size,
            output=output,
            size=number(size),
        )
    )


# `pb verify` exit codes: the package holds and its key is the council's; it does not hold;
# it holds, but nothing ties its signing key to the council (a forger's fresh key would pass).
EXIT_CONFIRMED, EXIT_FAILED, EXIT_UNCONFIRMED = 0, 1, 3


@cli.command("verify", with_appcontext=False)  # no app, no settings: any auditor runs it
@click.argument("package", type=click.Path(exists=True, dir_okay=False))
@click.option("--receipt", help="Also confirm that this receipt's ballot is in the package.")
@click.option(
    "--public-key",
    help="The council's public key or its fingerprint (hex), as printed on its pages and notices.",
)
@click.option(
    "--pinned-from",
    "pinned_from",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="An earlier package of the same council whose key you trust (repeatable).",
)
@click.option(
    "--key-list",
    type=click.Path(exists=True, dir_okay=False),
    help="The council's signed key list (keys.json), to confirm the key or follow a rotation.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--with-pabutools", is_flag=True, help="Re-count with pabutools as well.")
@click.pass_context
def verify_command(
    ctx, package, receipt, public_key, pinned_from, key_list, as_json, with_pabutools
) -> None:
    """Check an audit package: signature, hashes, chain, ballots, seed and a re-count.

    Exits 0 when everything holds and the signing key is confirmed as the council's (by
    --public-key, --pinned-from or --key-list); 3 when everything holds but nothing confirms
    the key; 1 with one FAIL line per failed check.

    The report is in the language PB_LANGUAGE names, through the verifier's own gettext
    (pb.audit.speech: this command runs without the app). --json is for machines: it is
    built with translation off, so its check names and details are the same English whatever
    PB_LANGUAGE says.
    """
    from contextlib import nullcontext
    from pathlib import Path

    from pb.audit import speech
    from pb.audit.verify import verify

    with speech.in_english() if as_json else nullcontext():
        report = verify(
            package,
            receipt=receipt,
            public_key=public_key,
            with_pabutools=with_pabutools,
            pinned_from=pinned_from,
            key_list=Path(key_list).read_bytes() if key_list else None,
        )
    if as_json:
        click.echo(json.dumps(report.to_dict()))
    else:
        for check in report.checks:
            if check.ok:
                click.echo(
                    speech._("ok    %(name)s (%(detail)s)", name=check.label, detail=check.detail)
                    if check.detail
                    else speech._("ok    %(name)s", name=check.label)
                )
        for line in report.failures:
            click.echo(speech._("FAIL  %(line)s", line=line))
        package_failed = [
            c.name for c in report.checks if not c.ok and not c.name.startswith("receipt")
        ]
        if not report.ok and not package_failed:
            # Only the receipt failed: say so, rather than casting doubt on the package.
            malformed = any(c.name == "receipt" for c in report.checks if not c.ok)
            click.echo(
                speech._("The receipt code is malformed; the package's own checks all pass.")
                if malformed
                else speech._(
                    "Your receipt was not found in this package; the package's own checks "
                    "all pass. Check the code, and that this is the package of the pot you "
                    "voted in."
                )
            )
        elif not report.ok:
            click.echo(speech._("The package does NOT hold."))
        elif report.confirmed and report.trust is not None:  # confirmed implies a trust
            click.echo(speech._("ok    key confirmed (%(detail)s)", detail=report.trust.detail))
            click.echo(speech._("The package holds."))
        else:
            click.echo(
                speech._(
                    "UNCONFIRMED  key: %(value)s", value=report.trust.detail if report.trust else ""
                )
            )
            click.echo(speech._("The package is consistent, but its signing key is NOT confirmed."))
    if not report.ok:
        ctx.exit(EXIT_FAILED)
    ctx.exit(EXIT_CONFIRMED if report.confirmed else EXIT_UNCONFIRMED)


@cli.group("signing-key")
def signing_key_group() -> None:
    """The council's Ed25519 keys that sign its audit packages (see pb/audit/signing.py)."""


def _council(council_id):
    from sqlalchemy import select

    from pb.councils.models import Council
    from pb.extensions import db

    if council_id is not None:
        council = db.session.get(Council, council_id)
        if council is None:
            raise click.ClickException(_("there is no council %(id)s", id=council_id))
        return council
    councils = list(db.session.scalars(select(Council).order_by(Council.id).limit(2)))
    if len(councils) != 1:
        raise click.ClickException(_("say which council with --council ID"))
    return councils[0]


_council_option = click.option("--council", "council_id", type=int, help="The council's id.")


@signing_key_group.command("create")
@_council_option
@click.option(
    "--from-pem",
    type=click.Path(exists=True, dir_okay=False),
    help="Bring in an existing Ed25519 private key (PEM) instead of making one.",
)
@with_appcontext
def signing_key_create(council_id, from_pem) -> None:
    """Make the council's signing key, once; print its fingerprint to publish."""
    from pathlib import Path

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from pb.audit import signing
    from pb.extensions import db

    council = _council(council_id)
    private: Ed25519PrivateKey | None = None
    if from_pem:
        loaded = serialization.load_pem_private_key(Path(from_pem).read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise click.ClickException(_("%(file)s is not an Ed25519 private key", file=from_pem))
        private = loaded
    try:
        key = signing.create(council, private)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(
        _("%(name)s: signing key %(fingerprint)s", name=council.name, fingerprint=key.fingerprint)
    )
    click.echo(_("Print this fingerprint on the council's notices; pb shows it on every pot page."))


@signing_key_group.command("rotate")
@_council_option
@click.option("--overlap-days", type=click.IntRange(1, 3650), default=90, show_default=True)
@with_appcontext
def signing_key_rotate(council_id, overlap_days) -> None:
    """Make the council's next key; the current one stays valid (and signs the key list)
    for the overlap, so anyone who trusts it can follow the rotation."""
    from datetime import timedelta

    from pb.audit import signing
    from pb.extensions import db

    council = _council(council_id)
    try:
        key = signing.rotate(council, timedelta(days=overlap_days))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(
        _(
            "%(name)s: new signing key %(fingerprint)s",
            name=council.name,
            fingerprint=key.fingerprint,
        )
    )
    click.echo(
        _(
            "The previous key stays valid for %(overlap_days)s days. Publish the new key list.",
            overlap_days=overlap_days,
        )
    )


@signing_key_group.command("list")
@_council_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the signed list.")
@with_appcontext
def signing_key_list(council_id, output) -> None:
    """Show the council's keys; with -o, write its signed key list (keys.json) to publish."""
    from pathlib import Path

    from pb.audit import signing

    council = _council(council_id)
    document = signing.key_list(council)
    for entry in document["keys"]:
        if entry["valid_until"]:
            line = _(
                "%(fingerprint)s  valid %(valid_from)s to %(until)s",
                fingerprint=entry["fingerprint"],
                valid_from=entry["valid_from"],
                until=entry["valid_until"],
            )
        else:
            line = _(
                "%(fingerprint)s  valid %(valid_from)s to now",
                fingerprint=entry["fingerprint"],
                valid_from=entry["valid_from"],
            )
        click.echo(line)
    if output:
        Path(output).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        click.echo(_("wrote %(output)s", output=output))


def _import_problem(exc: Exception) -> str:
    """A plain reason for a file that could not be imported (the reader's own rules are in
    pb.tally.pabulib; this only turns what still escapes it into words)."""
    import csv

    from sqlalchemy.exc import DataError, IntegrityError

    text = str(exc)
    if isinstance(exc, csv.Error) and "field limit" in text:
        return _("a field is longer than 128 KiB")
    if isinstance(exc, OverflowError) or (
        isinstance(exc, DataError) and "out of range" in text.lower()
    ):
        return _("a number in it is too large to store")
    if isinstance(exc, AttributeError) and "'year'" in text:
        return _("META gives no year: add instance, date_begin or date_end")
    if isinstance(exc, IntegrityError):
        return _("it clashes with what is already stored (imported before?)")
    if isinstance(exc, UnicodeDecodeError):
        return _("it is not UTF-8 text")
    return text.splitlines()[0][:300] if text else type(exc).__name__


@cli.command("import-pabulib")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--population", type=int, help="Residents of the area (for turnout).")
@with_appcontext
def import_pabulib_command(files, population) -> None:
    """Create a published pot from each pabulib FILE (a real election).

    A file is imported whole or not at all: if it cannot be read, or its ballots break the
    pot's own rules so that its audit package would not verify, nothing of it is kept.
    """
    import csv
    import tempfile
    from pathlib import Path

    from sqlalchemy.exc import SQLAlchemyError

    from pb.audit import package, signing
    from pb.audit.verify import verify
    from pb.extensions import db
    from pb.results.imports import import_pabulib, import_report
    from pb.tally.pabulib import PabulibError

    for path in files:
        try:
            pot = import_pabulib(path, population=population)
            # A council the import brought in signs its packages with a key of its own.
            key = signing.create_if_missing(pot.council)
            db.session.flush()
            with tempfile.TemporaryDirectory() as folder:
                built = Path(folder) / "package.zip"
                built.write_bytes(package.build(pot))
                signer = signing.current(pot.council)
                if signer is None:
                    raise ValueError(_("%(name)s has no signing key", name=pot.council.name))
                report = verify(built, public_key=signer.public_hex)
        except (
            PabulibError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            OverflowError,
            ArithmeticError,
            SQLAlchemyError,
            csv.Error,
        ) as exc:
            db.session.rollback()
            raise click.ClickException(
                _("%(path)s: not imported: %(problem)s", path=path, problem=_import_problem(exc))
            ) from None
        if not report.ok:
            db.session.rollback()
            raise click.ClickException(
                _(
                    "%(path)s: not imported: its ballots break the pot's own rules, so its audit "
                    "package would not verify: %(failures)s",
                    path=path,
                    failures="; ".join(report.failures[:3]),
                )
            )
        db.session.commit()
        package.store(pot)  # built once, served as a file
        click.echo(_("%(path)s: pot %(id)s, %(name)s", path=path, id=pot.id, name=pot.name))
        if key is not None:
            click.echo(
                _(
                    "%(name)s: new signing key %(fingerprint)s",
                    name=pot.council.name,
                    fingerprint=key.fingerprint,
                )
            )
        for line in import_report(pot):
            click.echo(_("  %(line)s", line=line))


@cli.command("import-wards")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--code-property",
    default="WD24CD",
    show_default=True,
    help="The feature property holding the ONS ward code (WD23CD, WD24CD ...).",
)
@click.option("--council", "council_id", type=int, help="The council (default: the site's own).")
@with_appcontext
def import_wards_command(file: str, code_property: str, council_id: int | None) -> None:
    """Give the council's wards their boundaries from a GeoJSON FILE (all or nothing)."""
    from pathlib import Path

    from pb.councils.models import Council, site_council
    from pb.extensions import db
    from pb.places.boundaries import BoundaryFileError, import_boundaries

    if council_id is None:
        council = site_council()
    else:
        council = db.session.get(Council, council_id) if 0 < council_id < 2**31 else None
    if council is None:
        raise click.ClickException(
            _("There is no such council: set one up first, or check --council.")
        )
    try:
        text = Path(file).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(
            _("%(file)s: not imported: it is not UTF-8 text", file=file)
        ) from None
    try:
        done = import_boundaries(text, council, code_property=code_property)
    except BoundaryFileError as exc:
        db.session.rollback()
        lines = [f"{file}:{line}: {problem}" for line, problem in exc.problems[:50]]
        more = len(exc.problems) - 50
        if more > 0:
            lines.append(ngettext("... and %(num)s more", "... and %(num)s more", more))
        heading = ngettext(
            "%(file)s: not imported (%(num)s problem; nothing was changed):",
            "%(file)s: not imported (%(num)s problems; nothing was changed):",
            len(exc.problems),
            file=file,
        )
        raise click.ClickException("\n".join([heading, *lines])) from None
    db.session.commit()
    matched = ngettext(
        "%(council)s: boundaries for %(num)s ward.",
        "%(council)s: boundaries for %(num)s wards.",
        len(done.matched),
        council=council.name,
    )
    skipped = ngettext(
        "%(num)s feature of other wards skipped.",
        "%(num)s features of other wards skipped.",
        done.skipped,
    )
    click.echo(f"{matched} {skipped}")
    for ward in done.missing:
        click.echo(
            _("  no boundary in the file for %(code)s %(name)s", code=ward.code, name=ward.name)
        )


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
    if pot is None or not published:
        raise click.ClickException(_("pot %(id)s has no published results", id=pot_id))
    pabulib.write(ballots_file(pot, published[0]), output)
    click.echo(_("%(output)s: %(name)s", output=output, name=pot.name))


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
    click.echo(_("backed up to %(file)s", file=file))


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
        click.confirm(
            _("Replace everything in %(url)s with %(file)s?", url=repr(db.engine.url), file=file),
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old tables
    try:
        backup.restore(url, file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_("restored %(file)s", file=file))


def main() -> None:
    cli(prog_name="pb")
