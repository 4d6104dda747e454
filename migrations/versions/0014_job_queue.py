"""The job queue: runs of scheduled duties (one per duty and due moment), long jobs with their
progress, the curators' weekly report schedule, retries of the weekly report e-mails

Revision ID: 0014
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduled_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('duty', sa.String(length=64), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('host', sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_run')),
        sa.UniqueConstraint('duty', 'due_at', name=op.f('uq_scheduled_run_duty_due_at')),
    )
    op.create_table(
        'job_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=255), nullable=True),
        sa.Column('result_text', sa.Text(), nullable=True),
        sa.Column('result_path', sa.String(length=512), nullable=True),
        sa.Column('result_name', sa.String(length=255), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'],
                                name=op.f('fk_job_record_user_id_ab_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_record')),
    )
    op.create_index(op.f('ix_job_record_user_id'), 'job_record', ['user_id'])
    op.create_table(
        'weekly_report_schedule',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=True),
        sa.Column('send_time', sa.String(length=5), nullable=True),
        sa.Column('held_week', sa.Date(), nullable=True),
        sa.Column('last_auto_week', sa.Date(), nullable=True),
        sa.Column('last_auto_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['group_id'], ['student_group.id'],
                                name=op.f('fk_weekly_report_schedule_group_id_student_group')),
        sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'],
                                name=op.f('fk_weekly_report_schedule_changed_by_id_ab_user')),
        sa.PrimaryKeyConstraint('group_id', name=op.f('pk_weekly_report_schedule')),
    )
    with op.batch_alter_table('weekly_report_delivery') as batch:
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('weekly_report_delivery') as batch:
        batch.drop_column('next_attempt_at')
        batch.drop_column('attempts')
    op.drop_table('weekly_report_schedule')
    op.drop_index(op.f('ix_job_record_user_id'), table_name='job_record')
    op.drop_table('job_record')
    op.drop_table('scheduled_run')
