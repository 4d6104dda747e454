"""The deputy's order extending an academic debt's deadline (4.7): the order's number and
date, who recorded it and when, and the deadline the debt had before

Revision ID: 0024
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('academic_debt') as batch:
        batch.add_column(sa.Column('original_deadline', sa.Date(), nullable=True))
        batch.add_column(sa.Column('extension_order_number', sa.String(length=32),
                                   nullable=True))
        batch.add_column(sa.Column('extension_order_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('extended_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('extended_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(op.f('fk_academic_debt_extended_by_id_ab_user'), 'ab_user',
                                 ['extended_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('academic_debt') as batch:
        batch.drop_constraint(op.f('fk_academic_debt_extended_by_id_ab_user'),
                              type_='foreignkey')
        batch.drop_column('extended_at')
        batch.drop_column('extended_by_id')
        batch.drop_column('extension_order_date')
        batch.drop_column('extension_order_number')
        batch.drop_column('original_deadline')
