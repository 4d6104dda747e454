"""Curricula, work programs and teaching load (4.2, 4.6)."""
from sqlalchemy import (
    Boolean, CheckConstraint, Column, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint,
    false,
)
from sqlalchemy.orm import relationship

from .base import Model, user_fk

DISCIPLINE_KINDS = ("general", "op", "mdk", "up", "pp", "pm")
# A semester's form of control; a course project or work beside an exam or a credit of the same
# semester is written "exam+course_project" (the intermediate attestation, then the course one).
PRIMARY_FORMS = ("exam", "diff_credit", "credit", "grade", "none", "module_exam",
                 "course_project", "course_work")
COURSE_FORMS = ("course_project", "course_work")
ASSESSMENT_FORMS = PRIMARY_FORMS + tuple(
    f"{primary}+{course}" for primary in ("exam", "diff_credit", "credit", "grade")
    for course in COURSE_FORMS)
ASSESSMENT_FORM_CHECK = "assessment_form IN ({})".format(
    ", ".join(f"'{form}'" for form in ASSESSMENT_FORMS))
LESSON_TYPES = ("theory", "practical", "laboratory", "control", "seminar", "practice")


class Discipline(Model):
    """A discipline, module or practice: ОП.01, МДК.01.01, УП.01..."""
    __tablename__ = "discipline"
    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    name = Column(String(255), nullable=False)
    kind = Column(String(8), nullable=False, default="op")
    __table_args__ = (
        CheckConstraint("kind IN ('general', 'op', 'mdk', 'up', 'pp', 'pm')", name="kind"),
    )

    def __repr__(self):
        return self.label(self.code, self.name)

    @staticmethod
    def label(code: str, name: str) -> str:
        """How a discipline reads everywhere: "ОП.01 Операционные системы"."""
        return f"{code} {name}"


class Curriculum(Model):
    """Учебный план of a specialty for one admission year."""
    __tablename__ = "curriculum"
    id = Column(Integer, primary_key=True)
    specialty_id = Column(Integer, ForeignKey("specialty.id"), nullable=False)
    admission_year = Column(Integer, nullable=False)
    name = Column(String(255), nullable=False)
    # what a plan of «Планы» (.plx) says of itself; empty for a curriculum typed in or from XLSX
    qualification = Column(String(128))
    form_of_study = Column(String(16))  # full_time, part_time, mixed
    length_months = Column(Integer)
    source_file = Column(String(255))
    specialty = relationship("Specialty")
    rows = relationship("CurriculumRow", back_populates="curriculum",
                        order_by="CurriculumRow.position", cascade="all, delete-orphan")
    items = relationship("CurriculumItem", back_populates="curriculum",
                         order_by="(CurriculumItem.semester, CurriculumItem.id)")
    __table_args__ = (UniqueConstraint("specialty_id", "admission_year"),)

    def __repr__(self):
        return self.name


class CurriculumItem(Model):
    __tablename__ = "curriculum_item"
    id = Column(Integer, primary_key=True)
    curriculum_id = Column(Integer, ForeignKey("curriculum.id"), nullable=False)
    discipline_id = Column(Integer, ForeignKey("discipline.id"), nullable=False)
    semester = Column(Integer, nullable=False)  # 1..8 from admission
    hours = Column(Integer, nullable=False)
    assessment_form = Column(String(32), nullable=False, default="grade")
    curriculum = relationship("Curriculum", back_populates="items")
    discipline = relationship("Discipline")
    __table_args__ = (
        UniqueConstraint("curriculum_id", "discipline_id", "semester"),
        CheckConstraint("semester BETWEEN 1 AND 10", name="semester"),
        CheckConstraint("hours > 0", name="hours"),
        CheckConstraint(ASSESSMENT_FORM_CHECK, name="assessment_form"),
    )


class WorkProgram(Model):
    """Рабочая программа: the ordered topics a lesson's topic is chosen from (4.6)."""
    __tablename__ = "work_program"
    id = Column(Integer, primary_key=True)
    discipline_id = Column(Integer, ForeignKey("discipline.id"), nullable=False)
    specialty_id = Column(Integer, ForeignKey("specialty.id"))
    name = Column(String(255), nullable=False)
    discipline = relationship("Discipline")
    specialty = relationship("Specialty")
    topics = relationship("WorkProgramTopic", back_populates="work_program",
                          order_by="WorkProgramTopic.position")
    __table_args__ = (UniqueConstraint("discipline_id", "specialty_id"),)

    def __repr__(self):
        return self.name


class WorkProgramTopic(Model):
    __tablename__ = "work_program_topic"
    id = Column(Integer, primary_key=True)
    work_program_id = Column(Integer, ForeignKey("work_program.id"), nullable=False)
    position = Column(Integer, nullable=False)
    title = Column(String(500), nullable=False)
    hours = Column(Integer, nullable=False, default=2)
    lesson_type = Column(String(16), nullable=False, default="theory")
    # 4.8: the program expects homework after this topic (the weekly check looks for it)
    homework_expected = Column(Boolean, nullable=False, default=False, server_default=false())
    work_program = relationship("WorkProgram", back_populates="topics")
    __table_args__ = (
        UniqueConstraint("work_program_id", "position"),
        CheckConstraint("hours > 0", name="hours"),
        CheckConstraint(
            "lesson_type IN ('theory', 'practical', 'laboratory', 'control', 'seminar', "
            "'practice')",
            name="lesson_type",
        ),
    )

    def __repr__(self):
        return f"{self.position}. {self.title}"


class TeachingLoad(Model):
    """Распределение нагрузки: who teaches what to whom; it generates the journals (4.2)."""
    __tablename__ = "teaching_load"
    id = Column(Integer, primary_key=True)
    academic_year_id = Column(Integer, ForeignKey("academic_year.id"), nullable=False)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False)
    discipline_id = Column(Integer, ForeignKey("discipline.id"), nullable=False)
    subgroup_id = Column(Integer, ForeignKey("subgroup.id"))
    teacher_id = user_fk(nullable=False, index=True)
    hours = Column(Numeric(6, 1), nullable=False)
    note = Column(Text)
    academic_year = relationship("AcademicYear")
    group = relationship("StudentGroup")
    discipline = relationship("Discipline")
    subgroup = relationship("Subgroup")
    teacher = relationship("User", foreign_keys=[teacher_id])
    __table_args__ = (
        UniqueConstraint("academic_year_id", "group_id", "discipline_id", "subgroup_id"),
        CheckConstraint("hours > 0", name="hours"),
    )
