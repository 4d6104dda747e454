"""Supplements of a year's archive (7.3): the changes made in an archived year after its
archive (retakes of the year's debts until their deadline, the deputy's corrections of final
grades) and the supplements that keep them, so the first archive never changes

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('archive_supplement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('archive_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('manifest', sa.Text(), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archive_id'], ['archive_record.id'], name=op.f('fk_archive_supplement_archive_id_archive_record')),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], name=op.f('fk_archive_supplement_created_by_id_ab_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_supplement')),
    sa.UniqueConstraint('archive_id', 'number', name=op.f('uq_archive_supplement_archive_id_number'))
    )
    op.create_index(op.f('ix_archive_supplement_archive_id'), 'archive_supplement', ['archive_id'], unique=False)
    op.create_table('archive_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('archive_id', sa.Integer(), nullable=False),
    sa.Column('supplement_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('old_value', sa.String(length=64), nullable=True),
    sa.Column('new_value', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['archive_id'], ['archive_record.id'], name=op.f('fk_archive_change_archive_id_archive_record')),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], name=op.f('fk_archive_change_changed_by_id_ab_user')),
    sa.ForeignKeyConstraint(['supplement_id'], ['archive_supplement.id'], name=op.f('fk_archive_change_supplement_id_archive_supplement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_change'))
    )
    op.create_index(op.f('ix_archive_change_archive_id'), 'archive_change', ['archive_id'], unique=False)
    op.create_index(op.f('ix_archive_change_supplement_id'), 'archive_change', ['supplement_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_archive_change_supplement_id'), table_name='archive_change')
    op.drop_index(op.f('ix_archive_change_archive_id'), table_name='archive_change')
    op.drop_table('archive_change')
    op.drop_index(op.f('ix_archive_supplement_archive_id'), table_name='archive_supplement')
    op.drop_table('archive_supplement')
