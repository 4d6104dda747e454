"""One memo per group and week (3.4); weekly report e-mails queued with their attempt time.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    twice = bind.execute(sa.text(
        "SELECT group_id, week_start FROM memo GROUP BY group_id, week_start "
        "HAVING COUNT(*) > 1")).fetchall()
    if twice:
        # Memos are documents sent to the deputy: they are never deleted silently.
        raise RuntimeError(
            "memo: several memos for the same group and week (group_id, week_start): "
            f"{[tuple(row) for row in twice]}; keep one of each by hand, then upgrade again")
    with op.batch_alter_table('memo') as batch:
        batch.create_unique_constraint('uq_memo_group_id_week_start', ['group_id', 'week_start'])
    with op.batch_alter_table('weekly_report_delivery') as batch:
        batch.add_column(sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('weekly_report_delivery') as batch:
        batch.drop_column('attempted_at')
    with op.batch_alter_table('memo') as batch:
        batch.drop_constraint('uq_memo_group_id_week_start', type_='unique')
