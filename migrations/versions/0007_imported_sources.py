"""imported elections keep their source; unknown figures are NULL

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

An imported pabulib file keeps its META, columns, official outcome and per-vote cells
(imported_elections, imported_votes); a proposal keeps its source id and cells, and its full
name. A council's annual budget and a ward's population may be unknown (NULL), and a council
names its country.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=100), nullable=True))
        batch_op.alter_column('annual_budget', existing_type=sa.BigInteger(), nullable=True)
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.alter_column('population', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('source', sa.JSON(), nullable=True))
        batch_op.alter_column(
            'title', existing_type=sa.String(length=120), type_=sa.String(length=1000)
        )
        batch_op.alter_column(
            'summary', existing_type=sa.String(length=300), type_=sa.String(length=1000)
        )
    op.create_table(
        'imported_elections',
        sa.Column('pot_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=300), nullable=False),
        sa.Column('meta', sa.JSON(), nullable=False),
        sa.Column('project_columns', sa.JSON(), nullable=False),
        sa.Column('vote_columns', sa.JSON(), nullable=False),
        sa.Column('official_selected', sa.JSON(), nullable=True),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['pot_id'], ['pots.id']),
        sa.PrimaryKeyConstraint('pot_id'),
    )
    op.create_table(
        'imported_votes',
        sa.Column('ballot_id', sa.String(length=32), nullable=False),
        sa.Column('pot_id', sa.Integer(), nullable=False),
        sa.Column('cells', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id']),
        sa.ForeignKeyConstraint(['pot_id'], ['pots.id']),
        sa.PrimaryKeyConstraint('ballot_id'),
    )
    with op.batch_alter_table('imported_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_votes_pot_id'), ['pot_id'], unique=False)


def downgrade():
    with op.batch_alter_table('imported_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imported_votes_pot_id'))
    op.drop_table('imported_votes')
    op.drop_table('imported_elections')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.alter_column(
            'summary', existing_type=sa.String(length=1000), type_=sa.String(length=300)
        )
        batch_op.alter_column(
            'title', existing_type=sa.String(length=1000), type_=sa.String(length=120)
        )
        batch_op.drop_column('source')
        batch_op.drop_column('public_id')
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.alter_column('population', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.alter_column('annual_budget', existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column('country')
