"""Exam and credit sheets with admission (2.2, 4.7).

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _user_fk(table, column):
    return sa.ForeignKeyConstraint([column], ['ab_user.id'],
                                   name=op.f(f'fk_{table}_{column}_ab_user'))


def upgrade():
    op.create_table(
        'exam_sheet',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('journal_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('exam_date', sa.Date(), nullable=False),
        sa.Column('place', sa.String(length=128), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('generated_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('exam', 'diff_credit', 'credit')",
                           name=op.f('ck_exam_sheet_kind')),
        sa.ForeignKeyConstraint(['journal_id'], ['journal.id'],
                                name=op.f('fk_exam_sheet_journal_id_journal')),
        sa.ForeignKeyConstraint(['period_id'], ['period.id'],
                                name=op.f('fk_exam_sheet_period_id_period')),
        _user_fk('exam_sheet', 'created_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_sheet')),
        sa.UniqueConstraint('number', name=op.f('uq_exam_sheet_number')),
        sa.UniqueConstraint('journal_id', 'period_id', 'kind',
                            name=op.f('uq_exam_sheet_journal_id_period_id_kind')),
    )
    op.create_index('ix_exam_sheet_period_id', 'exam_sheet', ['period_id'])
    op.create_table(
        'exam_sheet_examiner',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sheet_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['sheet_id'], ['exam_sheet.id'],
                                name=op.f('fk_exam_sheet_examiner_sheet_id_exam_sheet'),
                                ondelete='CASCADE'),
        _user_fk('exam_sheet_examiner', 'user_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_sheet_examiner')),
        sa.UniqueConstraint('sheet_id', 'user_id',
                            name=op.f('uq_exam_sheet_examiner_sheet_id_user_id')),
    )
    op.create_table(
        'exam_sheet_row',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sheet_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('admitted', sa.Boolean(), nullable=False),
        sa.Column('admission_reason', sa.String(length=500), nullable=True),
        sa.Column('auto_reason', sa.String(length=500), nullable=True),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('average', sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column('attendance_pct', sa.Numeric(precision=4, scale=1), nullable=True),
        sa.CheckConstraint("decision IN ('auto', 'refused', 'admitted')",
                           name=op.f('ck_exam_sheet_row_decision')),
        sa.ForeignKeyConstraint(['sheet_id'], ['exam_sheet.id'],
                                name=op.f('fk_exam_sheet_row_sheet_id_exam_sheet'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'],
                                name=op.f('fk_exam_sheet_row_student_id_student')),
        _user_fk('exam_sheet_row', 'decided_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_sheet_row')),
        sa.UniqueConstraint('sheet_id', 'student_id',
                            name=op.f('uq_exam_sheet_row_sheet_id_student_id')),
    )
    op.create_index('ix_exam_sheet_row_student_id', 'exam_sheet_row', ['student_id'])


def downgrade():
    op.drop_index('ix_exam_sheet_row_student_id', table_name='exam_sheet_row')
    op.drop_table('exam_sheet_row')
    op.drop_table('exam_sheet_examiner')
    op.drop_index('ix_exam_sheet_period_id', table_name='exam_sheet')
    op.drop_table('exam_sheet')
