"""The roles' permissions version, read with the account on every request

Revision ID: 0011
Revises: 0010
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    stamp = op.create_table(
        'access_stamp',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_stamp')),
    )
    op.bulk_insert(stamp, [{'id': 1, 'version': uuid.uuid4().hex}])


def downgrade():
    op.drop_table('access_stamp')
