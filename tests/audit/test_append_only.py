"""On PostgreSQL the database itself refuses to change or remove audit history."""

import pytest
import sqlalchemy as sa

from pb.audit import chain
from pb.audit.services import record
from pb.extensions import db

pytestmark = pytest.mark.postgres

STATEMENTS = [
    "UPDATE audit_events SET type = 'rewritten'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
    "UPDATE chain_events SET parent = repeat('0', 64)",
    "DELETE FROM chain_events",
    "TRUNCATE chain_events",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_history_cannot_be_rewritten(world, statement):
    record("pot.phase_changed", pot=world.voting_pot)
    chain.append(world.voting_pot, "opened", "0" * 64)
    db.session.flush()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.text(statement))
    # Adding stays allowed.
    record("pot.phase_changed", pot=world.voting_pot)
    db.session.flush()
