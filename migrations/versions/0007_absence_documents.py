"""Documents excusing absences: uploaded by students and parents, decided by the curator (issue 14.5).

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'absence_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('date_from', sa.Date(), nullable=False),
        sa.Column('date_to', sa.Date(), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('comment', sa.String(length=1000), nullable=True),
        sa.CheckConstraint('date_to >= date_from', name=op.f('ck_absence_document_dates')),
        sa.CheckConstraint("kind IN ('medical', 'summons', 'college_order', 'other')",
                           name=op.f('ck_absence_document_kind')),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')",
                           name=op.f('ck_absence_document_status')),
        sa.CheckConstraint("content_type IN ('application/pdf', 'image/jpeg', 'image/png')",
                           name=op.f('ck_absence_document_content_type')),
        sa.CheckConstraint('size > 0', name=op.f('ck_absence_document_size')),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'],
                                name=op.f('fk_absence_document_student_id_student')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['ab_user.id'],
                                name=op.f('fk_absence_document_uploaded_by_id_ab_user')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'],
                                name=op.f('fk_absence_document_decided_by_id_ab_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_absence_document')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_absence_document_stored_name')),
    )
    op.create_index('ix_absence_document_student_dates', 'absence_document',
                    ['student_id', 'date_from'])
    op.create_index('ix_absence_document_status', 'absence_document', ['status'])


def downgrade():
    op.drop_index('ix_absence_document_status', table_name='absence_document')
    op.drop_index('ix_absence_document_student_dates', table_name='absence_document')
    op.drop_table('absence_document')
