"""Notifications in the portal, each user's choice of them, the letters they become, and the
record of the curator's weekly check (3.3).

Revision ID: 0015
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('link', sa.String(length=255), nullable=False),
        sa.Column('ref', sa.String(length=64), nullable=True),
        sa.Column('once_key', sa.String(length=96), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('mark', 'absence', 'final_grade', 'comment', 'message', "
                           "'document', 'reminder')", name=op.f('ck_notification_kind')),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'],
                                name=op.f('fk_notification_user_id_ab_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    op.create_index('ix_notification_user_id_id', 'notification', ['user_id', 'id'])
    op.create_index('uq_notification_unread_ref', 'notification', ['user_id', 'ref'],
                    unique=True, sqlite_where=sa.text('read_at IS NULL'),
                    postgresql_where=sa.text('read_at IS NULL'))
    op.create_index('uq_notification_once_key', 'notification', ['user_id', 'once_key'],
                    unique=True, sqlite_where=sa.text('once_key IS NOT NULL'),
                    postgresql_where=sa.text('once_key IS NOT NULL'))
    op.create_table(
        'notification_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('portal_kinds', sa.String(length=200), nullable=False),
        sa.Column('email_kinds', sa.String(length=200), nullable=False),
        sa.Column('digest_hour', sa.Integer(), nullable=False),
        sa.Column('last_digest_on', sa.Date(), nullable=True),
        sa.Column('last_digest_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('digest_hour BETWEEN 0 AND 23',
                           name=op.f('ck_notification_preference_digest_hour')),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'],
                                name=op.f('fk_notification_preference_user_id_ab_user')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preference')),
    )
    op.create_table(
        'notification_letter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=96), nullable=False),
        sa.Column('recipient_email', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('waiting', 'sending', 'sent', 'failed')",
                           name=op.f('ck_notification_letter_status')),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'],
                                name=op.f('fk_notification_letter_user_id_ab_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_letter')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_notification_letter_user_id_key')),
    )
    op.create_table(
        'weekly_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('curator_id', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issues', sa.Integer(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('memo_sent', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['curator_id'], ['ab_user.id'],
                                name=op.f('fk_weekly_check_curator_id_ab_user')),
        sa.ForeignKeyConstraint(['group_id'], ['student_group.id'],
                                name=op.f('fk_weekly_check_group_id_student_group')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_check')),
        sa.UniqueConstraint('group_id', 'week_start',
                            name=op.f('uq_weekly_check_group_id_week_start')),
    )


def downgrade():
    op.drop_table('weekly_check')
    op.drop_table('notification_letter')
    op.drop_table('notification_preference')
    op.drop_index('uq_notification_once_key', table_name='notification')
    op.drop_index('uq_notification_unread_ref', table_name='notification')
    op.drop_index('ix_notification_user_id_id', table_name='notification')
    op.drop_table('notification')
