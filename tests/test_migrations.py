from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pb.extensions import db


def test_migrations_give_exactly_the_schema_of_the_models():
    """The test database was built by `upgrade()` alone; the models must not differ from it."""
    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


def test_0009_keeps_existing_rows_and_the_database_refuses_an_unknown_phase(tmp_path):
    """The CHECKs are added to tables that hold rows (and are referred to): nothing is lost,
    and from then on the database itself refuses a value no Enum has."""
    import pytest
    import sqlalchemy as sa
    from flask_migrate import upgrade
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

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
        with Session(engine) as session:
            council = Council(name="Oldshire", annual_budget=1_000_000)
            ward = Ward(council=council, name="East", code="E1", population=10)
            pot = Pot(council=council, ward=ward, name="East fund", amount=5_000, year=2025)
            pot.phase = "voting"
            session.add(pot)
            session.flush()
            session.add(
                Proposal(pot=pot, title="Benches", summary="s", description="d", cost=100,
                         category="community", status="on_ballot")
            )  # fmt: skip
            session.commit()
        upgrade(revision="0009")
        with Session(engine) as session:
            kept = session.scalars(sa.select(Pot)).one()
            assert (kept.name, kept.phase) == ("East fund", Phase.VOTING)
            assert session.scalars(sa.select(Proposal)).one().status is ProposalStatus.ON_BALLOT
        with engine.connect() as connection, pytest.raises(IntegrityError):
            connection.execute(sa.text("UPDATE pots SET phase = 'finished'"))
        engine.dispose()
