"""Practice: placements, organisations, mentors, the practice diary and attestation (2.2).

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _user_fk(table, column):
    return sa.ForeignKeyConstraint([column], ['ab_user.id'],
                                   name=op.f(f'fk_{table}_{column}_ab_user'))


def upgrade():
    op.create_table(
        'practice_organisation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=True),
        sa.Column('contact', sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_organisation')),
        sa.UniqueConstraint('name', name=op.f('uq_practice_organisation_name')),
    )
    op.create_table(
        'practice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('journal_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('hours', sa.Integer(), nullable=False),
        sa.Column('supervisor_id', sa.Integer(), nullable=False),
        sa.Column('order_number', sa.String(length=32), nullable=True),
        sa.Column('order_date', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('end_date >= start_date', name=op.f('ck_practice_dates')),
        sa.CheckConstraint('hours > 0', name=op.f('ck_practice_hours')),
        sa.ForeignKeyConstraint(['journal_id'], ['journal.id'],
                                name=op.f('fk_practice_journal_id_journal')),
        sa.ForeignKeyConstraint(['period_id'], ['period.id'],
                                name=op.f('fk_practice_period_id_period')),
        _user_fk('practice', 'supervisor_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice')),
        sa.UniqueConstraint('journal_id', name=op.f('uq_practice_journal_id')),
    )
    op.create_table(
        'practice_competency',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('practice_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['practice_id'], ['practice.id'],
                                name=op.f('fk_practice_competency_practice_id_practice'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_competency')),
        sa.UniqueConstraint('practice_id', 'code',
                            name=op.f('uq_practice_competency_practice_id_code')),
    )
    op.create_table(
        'practice_placement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('practice_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=True),
        sa.Column('contract_number', sa.String(length=32), nullable=True),
        sa.Column('contract_date', sa.Date(), nullable=True),
        sa.Column('order_number', sa.String(length=32), nullable=False),
        sa.Column('order_date', sa.Date(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['practice_id'], ['practice.id'],
                                name=op.f('fk_practice_placement_practice_id_practice')),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'],
                                name=op.f('fk_practice_placement_student_id_student')),
        sa.ForeignKeyConstraint(
            ['organisation_id'], ['practice_organisation.id'],
            name=op.f('fk_practice_placement_organisation_id_practice_organisation')),
        _user_fk('practice_placement', 'mentor_id'),
        _user_fk('practice_placement', 'created_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_placement')),
        sa.UniqueConstraint('practice_id', 'student_id',
                            name=op.f('uq_practice_placement_practice_id_student_id')),
    )
    op.create_table(
        'practice_diary_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('placement_id', sa.Integer(), nullable=False),
        sa.Column('entry_date', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('hours', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('mentor_comment', sa.Text(), nullable=True),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('hours BETWEEN 1 AND 12', name=op.f('ck_practice_diary_entry_hours')),
        sa.CheckConstraint("status IN ('written', 'confirmed', 'returned')",
                           name=op.f('ck_practice_diary_entry_status')),
        sa.ForeignKeyConstraint(
            ['placement_id'], ['practice_placement.id'],
            name=op.f('fk_practice_diary_entry_placement_id_practice_placement')),
        _user_fk('practice_diary_entry', 'reviewed_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_diary_entry')),
        sa.UniqueConstraint('placement_id', 'entry_date',
                            name=op.f('uq_practice_diary_entry_placement_id_entry_date')),
    )
    op.create_table(
        'practice_diary_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('old_text', sa.Text(), nullable=True),
        sa.Column('new_text', sa.Text(), nullable=True),
        sa.Column('old_hours', sa.Integer(), nullable=True),
        sa.Column('new_hours', sa.Integer(), nullable=True),
        sa.Column('old_status', sa.String(length=16), nullable=True),
        sa.Column('new_status', sa.String(length=16), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['entry_id'], ['practice_diary_entry.id'],
            name=op.f('fk_practice_diary_change_entry_id_practice_diary_entry'),
            ondelete='CASCADE'),
        _user_fk('practice_diary_change', 'changed_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_diary_change')),
    )
    op.create_table(
        'practice_attestation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('placement_id', sa.Integer(), nullable=False),
        sa.Column('characteristic', sa.Text(), nullable=True),
        sa.Column('filled_by_id', sa.Integer(), nullable=True),
        sa.Column('filled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['placement_id'], ['practice_placement.id'],
            name=op.f('fk_practice_attestation_placement_id_practice_placement')),
        _user_fk('practice_attestation', 'filled_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_attestation')),
        sa.UniqueConstraint('placement_id', name=op.f('uq_practice_attestation_placement_id')),
    )
    op.create_table(
        'practice_attestation_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attestation_id', sa.Integer(), nullable=False),
        sa.Column('competency_id', sa.Integer(), nullable=False),
        sa.Column('mastered', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ['attestation_id'], ['practice_attestation.id'],
            name=op.f('fk_practice_attestation_item_attestation_id_practice_attestation'),
            ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['competency_id'], ['practice_competency.id'],
            name=op.f('fk_practice_attestation_item_competency_id_practice_competency')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_attestation_item')),
        sa.UniqueConstraint(
            'attestation_id', 'competency_id',
            name=op.f('uq_practice_attestation_item_attestation_id_competency_id')),
    )


def downgrade():
    op.drop_table('practice_attestation_item')
    op.drop_table('practice_attestation')
    op.drop_table('practice_diary_change')
    op.drop_table('practice_diary_entry')
    op.drop_table('practice_placement')
    op.drop_table('practice_competency')
    op.drop_table('practice')
    op.drop_table('practice_organisation')
