"""CHECK constraints for phases, statuses and ballot methods; role grants unique with NULLs

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

The values are those of the Enums in pb.pots.models, pb.proposals.models and
pb.paper.models, written out here: a migration must not change when the code does. Existing
rows are kept (they already hold only these values). PostgreSQL gets CHECK constraints;
SQLite, which adds one only by rebuilding the table, gets triggers that refuse the same values.

role_grants' unique key (user, role, ward, pot) never fired when ward or pot was NULL; a
partial unique index for each shape of grant (council-wide, a ward, a pot) closes that, on
both databases. Duplicates left by the old race are removed first, keeping the oldest.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

CHECKS = {
    'pots': {
        'phase': ('draft', 'proposals', 'review', 'voting', 'closed', 'published'),
        'ballot_method': ('approval', 'ranked', 'points'),
    },
    'proposals': {
        'status': ('submitted', 'feasible', 'not_feasible', 'merged', 'on_ballot', 'withdrawn'),
        'delivery_status': ('not_started', 'in_progress', 'delivered', 'cancelled'),
    },
    'delivery_updates': {
        'status': ('not_started', 'in_progress', 'delivered', 'cancelled'),
    },
    'paper_batches': {
        'status': ('open', 'mismatch', 'counted'),
    },
}


def _sqlite():
    return op.get_bind().dialect.name == 'sqlite'


def _values(values):
    return ', '.join(f"'{v}'" for v in values)


ROLE_INDEXES = (
    ('council_wide', ['user_id', 'role'], 'ward_id IS NULL AND pot_id IS NULL'),
    ('ward', ['user_id', 'role', 'ward_id'], 'pot_id IS NULL'),
    ('pot', ['user_id', 'role', 'pot_id'], 'ward_id IS NULL'),
)


def upgrade():
    op.execute(
        'DELETE FROM role_grants WHERE id NOT IN (SELECT min(id) FROM role_grants '
        'GROUP BY user_id, role, ward_id, pot_id)'
    )
    for name, columns, where in ROLE_INDEXES:
        op.create_index(
            f'uq_role_grants_{name}', 'role_grants', columns, unique=True,
            sqlite_where=sa.text(where), postgresql_where=sa.text(where),
        )
    for table, columns in CHECKS.items():
        for column, values in columns.items():
            name = f'ck_{table}_{column}'
            if not _sqlite():
                op.create_check_constraint(op.f(name), table, f'{column} IN ({_values(values)})')
                continue
            # SQLite adds a CHECK only by rebuilding the table, which trips the foreign keys
            # of the tables that refer to it; triggers refuse the same values, as a CHECK would.
            for event in ('INSERT', 'UPDATE'):
                op.execute(
                    f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
                    f"WHEN NEW.{column} IS NOT NULL AND NEW.{column} NOT IN ({_values(values)}) "
                    f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
                )


def downgrade():
    for name, _, _ in ROLE_INDEXES:
        op.drop_index(f'uq_role_grants_{name}', table_name='role_grants')
    for table, columns in CHECKS.items():
        for column in columns:
            name = f'ck_{table}_{column}'
            if not _sqlite():
                op.drop_constraint(op.f(name), table, type_='check')
                continue
            for event in ('insert', 'update'):
                op.execute(f'DROP TRIGGER IF EXISTS {name}_{event}')
