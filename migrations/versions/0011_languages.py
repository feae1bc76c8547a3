"""languages: the reader's language on the account, the council's languages, translated content

Revision ID: 0011
Revises: 0013
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=20), nullable=True))

    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('default_locale', sa.String(length=20), nullable=True))

    with op.batch_alter_table('pots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('pots', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_column('default_locale')
        batch_op.drop_column('languages')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
