"""A mark's cell is found through the unique (cell_id, position) index: the separate index on
cell_id only cost every saved mark one more index write

Revision ID: 0012
Revises: 0011
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_mark_cell_id', table_name='mark')


def downgrade():
    op.create_index('ix_mark_cell_id', 'mark', ['cell_id'])
