"""Consent to the processing of personal data (4.1, 152-FZ): per student or parent, who gave
it (a parent for a minor), when, on which document, and its withdrawal

Revision ID: 0025
Revises: 0027
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'personal_data_consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=True),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('given_by_parent_id', sa.Integer(), nullable=True),
        sa.Column('given_on', sa.Date(), nullable=False),
        sa.Column('document', sa.String(length=255), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        sa.Column('withdrawal_document', sa.String(length=255), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('(student_id IS NULL) <> (parent_id IS NULL)',
                           name=op.f('ck_personal_data_consent_subject')),
        sa.CheckConstraint('withdrawn_on IS NULL OR withdrawn_on >= given_on',
                           name=op.f('ck_personal_data_consent_withdrawn')),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'],
                                name=op.f('fk_personal_data_consent_student_id_student')),
        sa.ForeignKeyConstraint(['parent_id'], ['parent.id'],
                                name=op.f('fk_personal_data_consent_parent_id_parent')),
        sa.ForeignKeyConstraint(['given_by_parent_id'], ['parent.id'],
                                name=op.f('fk_personal_data_consent_given_by_parent_id_parent')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'],
                                name=op.f('fk_personal_data_consent_recorded_by_id_ab_user')),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['ab_user.id'],
                                name=op.f('fk_personal_data_consent_withdrawn_by_id_ab_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_consent')),
    )
    op.create_index('ix_personal_data_consent_student_id', 'personal_data_consent',
                    ['student_id'])
    op.create_index('ix_personal_data_consent_parent_id', 'personal_data_consent',
                    ['parent_id'])


def downgrade():
    op.drop_index('ix_personal_data_consent_parent_id', table_name='personal_data_consent')
    op.drop_index('ix_personal_data_consent_student_id', table_name='personal_data_consent')
    op.drop_table('personal_data_consent')
