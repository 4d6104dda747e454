"""The time of day an exam, a credit or a retake begins (4.7, 5.2): the student and the family
read «25.12.2025, 09:00, ауд. 214» in the session, on the sheet and on the referral

Revision ID: 0028
Revises: 0026
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exam_sheet') as batch:
        batch.add_column(sa.Column('starts_at', sa.Time(), nullable=True))
    with op.batch_alter_table('retake') as batch:
        batch.add_column(sa.Column('starts_at', sa.Time(), nullable=True))


def downgrade():
    with op.batch_alter_table('retake') as batch:
        batch.drop_column('starts_at')
    with op.batch_alter_table('exam_sheet') as batch:
        batch.drop_column('starts_at')
