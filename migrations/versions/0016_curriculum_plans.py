"""Working curricula from «Планы» (.plx): the plan's rows, their semesters (hours by kind of
work, forms of control, practice weeks, complex forms) and what the plan says of itself

Revision ID: 0016
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

ROW_KINDS = ("discipline", "mdk", "pm", "up", "pp", "pdp", "module_exam", "gia")
HOUR_KINDS = ("lectures", "practical", "laboratory", "seminars", "self_study", "consultations",
              "exam", "course_design", "other")


def upgrade():
    with op.batch_alter_table('curriculum') as batch:
        batch.add_column(sa.Column('qualification', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('form_of_study', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('length_months', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('source_file', sa.String(length=255), nullable=True))
    op.create_table(
        'curriculum_row',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('curriculum_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('index', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=500), nullable=False),
        sa.Column('cycle', sa.String(length=32), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('discipline_id', sa.Integer(), nullable=True),
        sa.Column('competences', sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN (%s)" % ", ".join(repr(k) for k in ROW_KINDS),
                           name=op.f('ck_curriculum_row_kind')),
        sa.ForeignKeyConstraint(['curriculum_id'], ['curriculum.id'],
                                name=op.f('fk_curriculum_row_curriculum_id_curriculum'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['parent_id'], ['curriculum_row.id'],
                                name=op.f('fk_curriculum_row_parent_id_curriculum_row'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['discipline_id'], ['discipline.id'],
                                name=op.f('fk_curriculum_row_discipline_id_discipline')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_curriculum_row')),
        sa.UniqueConstraint('curriculum_id', 'index',
                            name=op.f('uq_curriculum_row_curriculum_id_index')),
    )
    op.create_table(
        'curriculum_row_semester',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=False),
        sa.Column('semester', sa.Integer(), nullable=False),
        *[sa.Column(kind, sa.Numeric(precision=7, scale=1), nullable=False)
          for kind in HOUR_KINDS],
        sa.Column('total', sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column('weeks', sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column('control', sa.String(length=64), nullable=False),
        sa.Column('complex_form', sa.String(length=8), nullable=True),
        sa.Column('complex_group', sa.Integer(), nullable=True),
        sa.CheckConstraint('semester BETWEEN 1 AND 10',
                           name=op.f('ck_curriculum_row_semester_semester')),
        sa.ForeignKeyConstraint(['row_id'], ['curriculum_row.id'],
                                name=op.f('fk_curriculum_row_semester_row_id_curriculum_row'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_curriculum_row_semester')),
        sa.UniqueConstraint('row_id', 'semester',
                            name=op.f('uq_curriculum_row_semester_row_id_semester')),
    )


def downgrade():
    op.drop_table('curriculum_row_semester')
    op.drop_table('curriculum_row')
    with op.batch_alter_table('curriculum') as batch:
        batch.drop_column('source_file')
        batch.drop_column('length_months')
        batch.drop_column('form_of_study')
        batch.drop_column('qualification')
