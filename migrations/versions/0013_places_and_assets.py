"""places: ward boundaries, postcode and proposal locations, community assets

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0008'
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

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('asset_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_proposals_asset_id', 'community_assets', ['asset_id'], ['id'])


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint('fk_proposals_asset_id', type_='foreignkey')
        batch_op.drop_column('asset_id')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

    with op.batch_alter_table('community_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_assets_council_id'))
    op.drop_table('community_assets')

    with op.batch_alter_table('postcodes', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.drop_column('boundary')
