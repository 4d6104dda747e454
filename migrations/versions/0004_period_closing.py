"""period closing by order, corrections' reasons, draft archives (4.7, 7.3)

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('period') as batch:
        batch.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('close_order_number', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('close_order_date', sa.Date(), nullable=True))
        batch.create_foreign_key(op.f('fk_period_closed_by_id_ab_user'), 'ab_user',
                                 ['closed_by_id'], ['id'])
    with op.batch_alter_table('cell_change') as batch:
        batch.add_column(sa.Column('correction_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('archive_record') as batch:
        batch.add_column(sa.Column('is_draft', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('archive_record') as batch:
        batch.drop_column('is_draft')
    with op.batch_alter_table('cell_change') as batch:
        batch.drop_column('correction_reason')
    with op.batch_alter_table('period') as batch:
        batch.drop_constraint(op.f('fk_period_closed_by_id_ab_user'), type_='foreignkey')
        batch.drop_column('close_order_date')
        batch.drop_column('close_order_number')
        batch.drop_column('closed_by_id')
        batch.drop_column('closed_at')
