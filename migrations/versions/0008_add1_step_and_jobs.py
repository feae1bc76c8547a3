"""pot's Add1 step

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('add1_step', sa.BigInteger(), server_default='100', nullable=False))


def downgrade():
    with op.batch_alter_table('pots', schema=None) as batch_op:
        batch_op.drop_column('add1_step')
