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
        # Core inserts of the columns 0008 has: the models have gained columns since.
        with engine.begin() as connection:
            council_id = connection.execute(
                sa.insert(Council.__table__).values(name="Oldshire", annual_budget=1_000_000)
            ).inserted_primary_key[0]
            ward_id = connection.execute(
                sa.insert(Ward.__table__).values(
                    council_id=council_id, name="East", code="E1", population=10
                )
            ).inserted_primary_key[0]
            pot_id = connection.execute(
                sa.insert(Pot.__table__).values(
                    council_id=council_id,
                    ward_id=ward_id,
                    name="East fund",
                    amount=5_000,
                    year=2025,
                    phase="voting",
                    description="",
                )
            ).inserted_primary_key[0]
            connection.execute(
                sa.insert(Proposal.__table__).values(
                    pot_id=pot_id,
                    title="Benches",
                    summary="s",
                    description="d",
                    cost=100,
                    category="community",
                    status="on_ballot",
                )
            )
        upgrade(revision="0009")
        with engine.connect() as connection:
            pots, proposals = Pot.__table__.c, Proposal.__table__.c
            kept = connection.execute(sa.select(pots.name, pots.phase)).one()
            assert (kept.name, kept.phase) == ("East fund", Phase.VOTING)
            status = connection.execute(sa.select(proposals.status)).scalar_one()
            assert status is ProposalStatus.ON_BALLOT
        with engine.connect() as connection, pytest.raises(IntegrityError):
            connection.execute(sa.text("UPDATE pots SET phase = 'finished'"))
        engine.dispose()
