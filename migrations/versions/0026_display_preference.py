"""The version for people with impaired vision (SPEC §8): each account's choice

Revision ID: 0026
Revises: 0025
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'display_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('low_vision', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE',
                                name=op.f('fk_display_preference_user_id_ab_user')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_display_preference')),
    )


def downgrade():
    op.drop_table('display_preference')
