from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pb.extensions import db


def test_migrations_give_exactly_the_schema_of_the_models():
    """The test database was built by `upgrade()` alone; the models must not differ from it."""
    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


def _insert_0008(connection, model, **values):
    """Insert a row into the table as the database has it now, with the model's Python-side
    defaults for the columns not given; returns its id."""
    import sqlalchemy as sa

    table = model.__table__
    present = {c["name"] for c in sa.inspect(connection).get_columns(table.name)}
    row = {}
    for column in table.columns:
        if column.name not in present:
            continue
        if column.name in values:
            row[column.name] = values[column.name]
        elif column.default is not None and not column.primary_key:
            default = column.default
            row[column.name] = default.arg(None) if default.is_callable else default.arg
    return connection.execute(sa.insert(table).values(row)).inserted_primary_key[0]


def test_0009_keeps_existing_rows_and_the_database_refuses_an_unknown_phase(tmp_path):
    """The CHECKs are added to tables that hold rows (and are referred to): nothing is lost,
    and from then on the database itself refuses a value no Enum has."""
    import pytest
    import sqlalchemy as sa
    from flask_migrate import upgrade
    from sqlalchemy.exc import IntegrityError

    from pb import create_app
    from pb.councils.models import Council, Ward
    from pb.pots.models import Phase, Pot
    from pb.proposals.models import Proposal, ProposalStatus

    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}", INSTANCE_DIR=tmp_path
    )
    with app.app_context():
        engine = db.engine
        upgrade(revision="0008")
        # Rows written with the 0008 schema's columns only: the models have moved on since
        # (later migrations add columns), so the ORM would name columns 0008 has not got.
        with engine.begin() as connection:
            council = _insert_0008(connection, Council, name="Oldshire", annual_budget=1_000_000)
            ward = _insert_0008(
                connection, Ward, council_id=council, name="East", code="E1", population=10
            )
            pot = _insert_0008(
                connection, Pot, council_id=council, ward_id=ward, name="East fund",
                amount=5_000, year=2025, phase="voting",
            )  # fmt: skip
            _insert_0008(
                connection, Proposal, pot_id=pot, title="Benches", summary="s", description="d",
                cost=100, category="community", status="on_ballot",
            )  # fmt: skip
        upgrade(revision="0009")
        with engine.connect() as connection:  # Core again: later columns are not there yet
            kept = connection.execute(sa.text("SELECT name, phase FROM pots")).one()
            assert (kept.name, Phase(kept.phase)) == ("East fund", Phase.VOTING)
            status = connection.execute(sa.text("SELECT status FROM proposals")).scalar_one()
            assert ProposalStatus(status) is ProposalStatus.ON_BALLOT
        with engine.connect() as connection, pytest.raises(IntegrityError):
            connection.execute(sa.text("UPDATE pots SET phase = 'finished'"))
        engine.dispose()
