"""A working curriculum as «Планы» (.plx) hold it (4.2): the plan's rows with their index, kind
and parent, hours by kind of work and forms of control per semester, and competences.

The rows are what the plan says; the curriculum's items (`CurriculumItem`, one per discipline
and semester) are derived from them by services/college/plan_apply.py."""
from sqlalchemy import (
    CheckConstraint, Column, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Model

# discipline, МДК, professional module, practices УП/ПП/ПДП, module exam, ГИА
ROW_KINDS = ("discipline", "mdk", "pm", "up", "pp", "pdp", "module_exam", "gia")
FORMS_OF_STUDY = ("full_time", "part_time", "mixed")
# hours of a semester by kind of work, each hour counted once (the plan's volume hours)
HOUR_KINDS = ("lectures", "practical", "laboratory", "seminars", "self_study", "consultations",
              "exam", "course_design", "other")
# the plan's own codes of the forms of control; ЭМ is the exam of a professional module
CONTROL_CODES = ("Эк", "За", "ЗаО", "КП", "КР", "ЭМ", "Др")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CurriculumRow(Model):
    """A row of the plan: ОГСЭ.01, ПМ.01, МДК.01.01 (parent ПМ.01), УП.01.01, ПМ.01.ЭК, ГИА.01."""
    __tablename__ = "curriculum_row"
    id = Column(Integer, primary_key=True)
    curriculum_id = Column(Integer, ForeignKey("curriculum.id", ondelete="CASCADE"),
                           nullable=False)
    position = Column(Integer, nullable=False)
    index = Column(String(32), nullable=False)
    name = Column(String(500), nullable=False)
    cycle = Column(String(32))
    kind = Column(String(16), nullable=False)
    parent_id = Column(Integer, ForeignKey("curriculum_row.id", ondelete="SET NULL"))
    discipline_id = Column(Integer, ForeignKey("discipline.id"))
    competences = Column(Text, nullable=False, default="")  # "ОК 1; ПК 1.1"
    curriculum = relationship("Curriculum", back_populates="rows")
    parent = relationship("CurriculumRow", remote_side=[id])
    discipline = relationship("Discipline")
    semesters = relationship("CurriculumRowSemester", back_populates="row",
                             cascade="all, delete-orphan",
                             order_by="CurriculumRowSemester.semester")
    __table_args__ = (
        UniqueConstraint("curriculum_id", "index"),
        CheckConstraint(_in("kind", ROW_KINDS), name="kind"),
    )

    def __repr__(self):
        return f"{self.index} {self.name}"


class CurriculumRowSemester(Model):
    """A row's semester: hours by kind of work, practice weeks, forms of control (the plan's
    codes, space-separated) and the complex form it takes part in, if any."""
    __tablename__ = "curriculum_row_semester"
    id = Column(Integer, primary_key=True)
    row_id = Column(Integer, ForeignKey("curriculum_row.id", ondelete="CASCADE"),
                    nullable=False)
    semester = Column(Integer, nullable=False)
    lectures = Column(Numeric(7, 1), nullable=False, default=0)
    practical = Column(Numeric(7, 1), nullable=False, default=0)
    laboratory = Column(Numeric(7, 1), nullable=False, default=0)
    seminars = Column(Numeric(7, 1), nullable=False, default=0)
    self_study = Column(Numeric(7, 1), nullable=False, default=0)
    consultations = Column(Numeric(7, 1), nullable=False, default=0)
    exam = Column(Numeric(7, 1), nullable=False, default=0)
    course_design = Column(Numeric(7, 1), nullable=False, default=0)
    other = Column(Numeric(7, 1), nullable=False, default=0)
    total = Column(Numeric(8, 1), nullable=False, default=0)
    weeks = Column(Numeric(5, 1))
    control = Column(String(64), nullable=False, default="")
    complex_form = Column(String(8))  # Эк, За or ЗаО of a комплексный экзамен/зачёт
    complex_group = Column(Integer)  # rows of one curriculum with the same number sit it together
    row = relationship("CurriculumRow", back_populates="semesters")
    __table_args__ = (
        UniqueConstraint("row_id", "semester"),
        CheckConstraint("semester BETWEEN 1 AND 10", name="semester"),
    )
