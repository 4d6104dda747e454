"""Deleted lessons are kept with who deleted them, when and why (1.6): their cells' history
stays; only one live lesson per journal, day and pair.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lesson') as batch:
        batch.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('deleted_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('delete_reason', sa.Text(), nullable=True))
        batch.create_foreign_key('fk_lesson_deleted_by_id_ab_user', 'ab_user',
                                 ['deleted_by_id'], ['id'])
        batch.drop_constraint('uq_lesson_journal_id_lesson_date_pair_number', type_='unique')
    op.create_index('uq_lesson_live_slot', 'lesson', ['journal_id', 'lesson_date', 'pair_number'],
                    unique=True, sqlite_where=sa.text('deleted_at IS NULL'),
                    postgresql_where=sa.text('deleted_at IS NULL'))


def downgrade():
    op.drop_index('uq_lesson_live_slot', table_name='lesson')
    with op.batch_alter_table('lesson') as batch:
        batch.create_unique_constraint('uq_lesson_journal_id_lesson_date_pair_number',
                                       ['journal_id', 'lesson_date', 'pair_number'])
        batch.drop_constraint('fk_lesson_deleted_by_id_ab_user', type_='foreignkey')
        batch.drop_column('delete_reason')
        batch.drop_column('deleted_by_id')
        batch.drop_column('deleted_at')
