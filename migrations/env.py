"""Alembic environment: runs migrations against the Flask app's database."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    # Keep the app's own loggers working when migrations run inside it (tests, `pb db`).
    fileConfig(config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
OPTIONS = {
    "target_metadata": db.metadata,
    "compare_type": True,
    # SQLite cannot ALTER most things; batch mode copies the table instead.
    "render_as_batch": db.engine.dialect.name == "sqlite",
}


def skip_empty_autogenerate(context, revision, directives):
    """Do not write an empty revision when the models have not changed."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_offline() -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    context.configure(url=url, literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    options = {"process_revision_directives": skip_empty_autogenerate, **OPTIONS}
    options.update(current_app.extensions["migrate"].configure_args)
    with db.engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
