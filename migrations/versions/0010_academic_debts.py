"""Academic debts and retakes (4.7).

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'retake',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('discipline_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('retake_date', sa.Date(), nullable=False),
        sa.Column('place', sa.String(length=128), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('attempt IN (1, 2)', name=op.f('ck_retake_attempt')),
        sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'],
                                name=op.f('fk_retake_created_by_id_ab_user')),
        sa.ForeignKeyConstraint(['discipline_id'], ['discipline.id'],
                                name=op.f('fk_retake_discipline_id_discipline')),
        sa.ForeignKeyConstraint(['group_id'], ['student_group.id'],
                                name=op.f('fk_retake_group_id_student_group')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retake')),
    )
    op.create_index('ix_retake_date', 'retake', ['retake_date'])
    op.create_table(
        'academic_debt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('journal_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('origin', sa.String(length=16), nullable=False),
        sa.Column('grade_value', sa.String(length=8), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('failed_retakes', sa.Integer(), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by_retake_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("origin IN ('unsatisfactory', 'not_admitted', 'not_attested', "
                           "'missing')", name=op.f('ck_academic_debt_origin')),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_academic_debt_status')),
        sa.CheckConstraint("kind IN ('semester', 'credit', 'diff_credit', 'exam')",
                           name=op.f('ck_academic_debt_kind')),
        sa.CheckConstraint('failed_retakes BETWEEN 0 AND 2',
                           name=op.f('ck_academic_debt_failed_retakes')),
        sa.ForeignKeyConstraint(['closed_by_retake_id'], ['retake.id'],
                                name=op.f('fk_academic_debt_closed_by_retake_id_retake')),
        sa.ForeignKeyConstraint(['journal_id'], ['journal.id'],
                                name=op.f('fk_academic_debt_journal_id_journal')),
        sa.ForeignKeyConstraint(['period_id'], ['period.id'],
                                name=op.f('fk_academic_debt_period_id_period')),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'],
                                name=op.f('fk_academic_debt_student_id_student')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_academic_debt')),
        sa.UniqueConstraint('student_id', 'journal_id', 'period_id', 'kind',
                            name=op.f('uq_academic_debt_student_id_journal_id_period_id_kind')),
    )
    op.create_index('ix_academic_debt_student_id', 'academic_debt', ['student_id'])
    op.create_index('ix_academic_debt_journal_id', 'academic_debt', ['journal_id'])
    op.create_index('ix_academic_debt_period_id', 'academic_debt', ['period_id'])
    op.create_table(
        'retake_examiner',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('retake_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.CheckConstraint("role IN ('examiner', 'chairman', 'member')",
                           name=op.f('ck_retake_examiner_role')),
        sa.ForeignKeyConstraint(['retake_id'], ['retake.id'], ondelete='CASCADE',
                                name=op.f('fk_retake_examiner_retake_id_retake')),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'],
                                name=op.f('fk_retake_examiner_user_id_ab_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retake_examiner')),
        sa.UniqueConstraint('retake_id', 'user_id',
                            name=op.f('uq_retake_examiner_retake_id_user_id')),
    )
    op.create_table(
        'retake_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('retake_id', sa.Integer(), nullable=False),
        sa.Column('debt_id', sa.Integer(), nullable=False),
        sa.Column('result', sa.String(length=8), nullable=True),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['debt_id'], ['academic_debt.id'],
                                name=op.f('fk_retake_entry_debt_id_academic_debt')),
        sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id'],
                                name=op.f('fk_retake_entry_entered_by_id_ab_user')),
        sa.ForeignKeyConstraint(['retake_id'], ['retake.id'], ondelete='CASCADE',
                                name=op.f('fk_retake_entry_retake_id_retake')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retake_entry')),
        sa.UniqueConstraint('retake_id', 'debt_id',
                            name=op.f('uq_retake_entry_retake_id_debt_id')),
    )
    op.create_index('ix_retake_entry_debt_id', 'retake_entry', ['debt_id'])


def downgrade():
    op.drop_index('ix_retake_entry_debt_id', table_name='retake_entry')
    op.drop_table('retake_entry')
    op.drop_table('retake_examiner')
    op.drop_index('ix_academic_debt_period_id', table_name='academic_debt')
    op.drop_index('ix_academic_debt_journal_id', table_name='academic_debt')
    op.drop_index('ix_academic_debt_student_id', table_name='academic_debt')
    op.drop_table('academic_debt')
    op.drop_index('ix_retake_date', table_name='retake')
    op.drop_table('retake')
