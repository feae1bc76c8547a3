"""places: ward boundaries, postcode and proposal locations, community assets

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('boundary', sa.Text(), nullable=True))

    with op.batch_alter_table('postcodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))

    op.create_table('community_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('offers', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('address', sa.String(length=300), server_default='', nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('opening', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.Column('proposer_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('premises', 'hall', 'garden', 'group', 'other')", name='ck_community_assets_kind'),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name='ck_community_assets_status'),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ),
    sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('community_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_assets_council_id'), ['council_id'], unique=False)

    # Plain ADD COLUMN (with the reference inline on SQLite), never a batch copy of proposals:
    # rebuilding a table that others reference fails with SQLite's foreign keys on.
    op.add_column('proposals', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('proposals', sa.Column('longitude', sa.Float(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'ALTER TABLE proposals ADD COLUMN asset_id INTEGER CONSTRAINT '
            'fk_proposals_asset_id_community_assets REFERENCES community_assets (id)'
        )
    else:
        op.add_column('proposals', sa.Column('asset_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            'fk_proposals_asset_id_community_assets', 'proposals', 'community_assets',
            ['asset_id'], ['id'])


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'

    def drop(table, column):
        # SQLite drops a plain column in place; a batch copy of a table others reference
        # would fail with its foreign keys on.
        if sqlite:
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        else:
            op.drop_column(table, column)

    # SQLite cannot drop a column with a foreign key in place, so proposals is copied. With
    # SQLite's foreign keys on that works only while no row references a proposal (no
    # delivery updates, no merged proposals): an SQLite pilot going back keeps a backup.
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        if not sqlite:
            batch_op.drop_constraint('fk_proposals_asset_id_community_assets', type_='foreignkey')
        batch_op.drop_column('asset_id')
    drop('proposals', 'longitude')
    drop('proposals', 'latitude')

    with op.batch_alter_table('community_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_assets_council_id'))
    op.drop_table('community_assets')

    drop('postcodes', 'longitude')
    drop('postcodes', 'latitude')
    drop('wards', 'boundary')
