from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pb.extensions import db


def test_migrations_give_exactly_the_schema_of_the_models():
    """The test database was built by `upgrade()` alone; the models must not differ from it."""
    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []
