"""The assessment forms colleges use (4.7): course projects and works, the module exam,
complex exams and credits over several disciplines; final results «неявка», «освобождён»,
«перезачтено» with their basis; a no-show as a debt of its own; a practice in the college's
own workshop

Revision ID: 0020
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0016'
branch_labels = None
depends_on = None

OLD_KINDS = ("credit", "diff_credit", "exam")
NEW_KINDS = OLD_KINDS + ("course_project", "course_work", "module_exam")
OLD_VALUES = ("2", "3", "4", "5", "зач", "незач", "н/а")
NEW_VALUES = OLD_VALUES + ("неяв", "осв", "перезач")
OLD_ORIGINS = ("unsatisfactory", "not_admitted", "not_attested", "missing")
NEW_ORIGINS = OLD_ORIGINS + ("absent",)
OLD_FORMS = ("exam", "diff_credit", "credit", "grade", "none")
NEW_FORMS = OLD_FORMS + ("module_exam", "course_project", "course_work") + tuple(
    f"{primary}+{course}" for primary in ("exam", "diff_credit", "credit", "grade")
    for course in ("course_project", "course_work"))


def _in(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


def _checks(forms, kinds, values, origins):
    with op.batch_alter_table('curriculum_item') as batch:
        batch.drop_constraint(op.f('ck_curriculum_item_assessment_form'), type_='check')
        batch.alter_column('assessment_form', type_=sa.String(length=32),
                           existing_type=sa.String(length=16), existing_nullable=False)
        batch.create_check_constraint(op.f('ck_curriculum_item_assessment_form'), _in('assessment_form', forms))
    with op.batch_alter_table('final_grade') as batch:
        batch.drop_constraint(op.f('ck_final_grade_kind'), type_='check')
        batch.drop_constraint(op.f('ck_final_grade_value'), type_='check')
        batch.create_check_constraint(op.f('ck_final_grade_kind'),
                                      _in('kind', ('semester', 'year') + kinds))
        batch.create_check_constraint(op.f('ck_final_grade_value'), _in('value', values))
    with op.batch_alter_table('exam_sheet') as batch:
        batch.drop_constraint(op.f('ck_exam_sheet_kind'), type_='check')
        batch.create_check_constraint(op.f('ck_exam_sheet_kind'), _in('kind', kinds))
    with op.batch_alter_table('academic_debt') as batch:
        batch.drop_constraint(op.f('ck_academic_debt_kind'), type_='check')
        batch.drop_constraint(op.f('ck_academic_debt_origin'), type_='check')
        batch.create_check_constraint(op.f('ck_academic_debt_kind'),
                                      _in('kind', ('semester',) + kinds))
        batch.create_check_constraint(op.f('ck_academic_debt_origin'), _in('origin', origins))


def upgrade():
    with op.batch_alter_table('final_grade') as batch:
        batch.add_column(sa.Column('basis', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('basis_date', sa.Date(), nullable=True))
    with op.batch_alter_table('practice_placement') as batch:
        batch.add_column(sa.Column('in_college', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    _checks(NEW_FORMS, NEW_KINDS, NEW_VALUES, NEW_ORIGINS)
    op.create_table(
        'exam_sheet_journal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sheet_id', sa.Integer(), nullable=False),
        sa.Column('journal_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['sheet_id'], ['exam_sheet.id'], ondelete='CASCADE',
                                name=op.f('fk_exam_sheet_journal_sheet_id_exam_sheet')),
        sa.ForeignKeyConstraint(['journal_id'], ['journal.id'],
                                name=op.f('fk_exam_sheet_journal_journal_id_journal')),
        sa.ForeignKeyConstraint(['period_id'], ['period.id'],
                                name=op.f('fk_exam_sheet_journal_period_id_period')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_sheet_journal')),
        sa.UniqueConstraint('journal_id', 'period_id', 'kind',
                            name=op.f('uq_exam_sheet_journal_journal_id_period_id_kind')),
    )
    op.create_index('ix_exam_sheet_journal_sheet_id', 'exam_sheet_journal', ['sheet_id'])


def downgrade():
    op.drop_index('ix_exam_sheet_journal_sheet_id', table_name='exam_sheet_journal')
    op.drop_table('exam_sheet_journal')
    _checks(OLD_FORMS, OLD_KINDS, OLD_VALUES, OLD_ORIGINS)
    with op.batch_alter_table('practice_placement') as batch:
        batch.drop_column('in_college')
    with op.batch_alter_table('final_grade') as batch:
        batch.drop_column('basis_date')
        batch.drop_column('basis')
