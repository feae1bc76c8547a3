"""council signing keys; server-side login sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

login_sessions: one row per logged-in browser, keyed by the SHA-256 of the token in its
cookie; deleting the row ends the session (log-out, password change, sign out everywhere).

signing_keys: the public halves of each council's Ed25519 keys (made by `pb signing-key`),
with the end of a rotated key's overlap. The private halves are files in SIGNING_KEY_DIR.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signing_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('public_hex', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retires_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['council_id'], ['councils.id'], name=op.f('fk_signing_keys_council_id_councils')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
        sa.UniqueConstraint('public_hex', name=op.f('uq_signing_keys_public_hex')),
    )
    op.create_index(
        op.f('ix_signing_keys_council_id'), 'signing_keys', ['council_id'], unique=False
    )

    op.create_table(
        'login_sessions',
        sa.Column('token_sha256', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('token_sha256', name=op.f('pk_login_sessions')),
    )
    op.create_index(
        op.f('ix_login_sessions_user_id'), 'login_sessions', ['user_id'], unique=False
    )


def downgrade():
    op.drop_index(op.f('ix_login_sessions_user_id'), table_name='login_sessions')
    op.drop_table('login_sessions')
    op.drop_index(op.f('ix_signing_keys_council_id'), table_name='signing_keys')
    op.drop_table('signing_keys')
