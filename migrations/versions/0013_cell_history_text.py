"""A cell's history reads each mark with its kind of work and the absence with its reason:
the old and new texts of a cell change widen from 64 to 255 characters

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cell_change') as batch:
        for column in ('old_value', 'new_value'):
            batch.alter_column(column, existing_type=sa.String(64), type_=sa.String(255),
                               existing_nullable=False)


def downgrade():
    with op.batch_alter_table('cell_change') as batch:
        for column in ('old_value', 'new_value'):
            batch.alter_column(column, existing_type=sa.String(255), type_=sa.String(64),
                               existing_nullable=False)
