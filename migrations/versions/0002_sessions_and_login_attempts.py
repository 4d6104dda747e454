"""account session generations and the shared login limit

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_session',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.Column('previous_password', sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'],
                                name=op.f('fk_account_session_user_id_ab_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_account_session')),
    )
    op.create_table(
        'login_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=False),
        sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt')),
    )
    op.create_index('ix_login_attempt_client_attempted_at', 'login_attempt',
                    ['client', 'attempted_at'])


def downgrade():
    op.drop_index('ix_login_attempt_client_attempted_at', table_name='login_attempt')
    op.drop_table('login_attempt')
    op.drop_table('account_session')
