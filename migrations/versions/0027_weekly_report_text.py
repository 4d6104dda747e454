"""The weekly report as it was sent (3.3, 5.2): its subject and text kept with the e-mail, so
the parent and the student read in the portal exactly what the curator sent

Revision ID: 0027
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('weekly_report_delivery') as batch:
        batch.add_column(sa.Column('subject', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('body', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('weekly_report_delivery') as batch:
        batch.drop_column('body')
        batch.drop_column('subject')
