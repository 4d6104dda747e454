"""Lessons outside the timetable (1.7, 3.3): the teacher's reason for a lesson with no free
pair of the timetable — a pair moved, an extra lesson, a replacement.

Revision ID: 0022
Revises: 0024
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0024'
branch_labels = None
depends_on = None

REASONS = ("moved", "extra", "replacement")


def upgrade():
    with op.batch_alter_table('lesson') as batch:
        batch.add_column(sa.Column('off_timetable_reason', sa.String(length=16), nullable=True))
        batch.create_check_constraint(
            op.f('ck_lesson_off_timetable_reason'),
            "off_timetable_reason IN ({})".format(", ".join(f"'{r}'" for r in REASONS)))


def downgrade():
    with op.batch_alter_table('lesson') as batch:
        batch.drop_constraint(op.f('ck_lesson_off_timetable_reason'), type_='check')
        batch.drop_column('off_timetable_reason')
