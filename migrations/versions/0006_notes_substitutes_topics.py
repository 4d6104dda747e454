"""Behaviour notes about students, sent to parents with the weekly report (3.3, 5.2); the
substitute named in a timetable change (4.4, 5.3); lessons outside the work program and the
program's homework (4.6, 4.8).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'behaviour_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('note_date', sa.Date(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['ab_user.id'],
                                name=op.f('fk_behaviour_note_author_id_ab_user')),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'],
                                name=op.f('fk_behaviour_note_student_id_student')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_behaviour_note')),
    )
    op.create_index('ix_behaviour_note_student_date', 'behaviour_note',
                    ['student_id', 'note_date'])
    with op.batch_alter_table('timetable_change') as batch:
        batch.add_column(sa.Column('substitute_teacher_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_timetable_change_substitute_teacher_id_ab_user',
                                 'ab_user', ['substitute_teacher_id'], ['id'])
    with op.batch_alter_table('lesson') as batch:
        batch.add_column(sa.Column('off_program_reason', sa.String(length=500), nullable=True))
    # 6.2: the council's report counts corrections (a few per cent of the history) per scope
    op.create_index('ix_cell_change_correction', 'cell_change', ['lesson_id'],
                    postgresql_where=sa.text('is_correction'),
                    sqlite_where=sa.text('is_correction'))
    with op.batch_alter_table('work_program_topic') as batch:
        batch.add_column(sa.Column('homework_expected', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('work_program_topic') as batch:
        batch.drop_column('homework_expected')
    op.drop_index('ix_cell_change_correction', table_name='cell_change')
    with op.batch_alter_table('lesson') as batch:
        batch.drop_column('off_program_reason')
    with op.batch_alter_table('timetable_change') as batch:
        batch.drop_constraint('fk_timetable_change_substitute_teacher_id_ab_user',
                              type_='foreignkey')
        batch.drop_column('substitute_teacher_id')
    op.drop_index('ix_behaviour_note_student_date', table_name='behaviour_note')
    op.drop_table('behaviour_note')
