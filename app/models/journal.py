"""The journal itself: lessons, cells (marks and absences), final grades and their history."""
import weakref

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String,
    Text, UniqueConstraint, event, text,
)
from sqlalchemy.orm import Session, relationship, with_loader_criteria

from .base import Model, created_at_column, user_fk, utcnow

MARK_VALUES = ("2", "3", "4", "5", "зач", "незач")
WORK_KINDS = ("current", "oral", "written", "practical", "laboratory", "control", "independent",
              "test")
HOMEWORK_KINDS = ("none", "practical", "laboratory", "control", "independent")
ABSENCE_REASONS = ("", "excused", "illness", "unexcused")
# 1.7, 3.3: why a lesson was given with no free pair of the timetable for it — a pair moved
# from another day, an extra lesson, a lesson replacing another discipline's
OFF_TIMETABLE_REASONS = ("moved", "extra", "replacement")
UNEXCUSED_REASONS = ("", "unexcused")  # no reason given counts as unexcused (3.3)
# The attestation kinds of a semester (the curriculum's forms) and the semester's and year's grades
ATTESTATION_KINDS = ("credit", "diff_credit", "exam", "course_project", "course_work",
                     "module_exam")
FINAL_GRADE_KINDS = ("semester", "year") + ATTESTATION_KINDS
# «н/а» not attested (or not admitted: the sheet says why), «неяв» a no-show, «осв» exempt,
# «перезач» credits transferred from another programme (with the document and its date)
FINAL_GRADE_VALUES = ("2", "3", "4", "5", "зач", "незач", "н/а", "неяв", "осв", "перезач")


def in_check(column: str, values) -> str:
    """The CHECK condition «column IN (…)» of a tuple of codes (models and migrations alike)."""
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class Journal(Model):
    """One journal per teaching-load row: group (or subgroup) × discipline × academic year."""
    __tablename__ = "journal"
    id = Column(Integer, primary_key=True)
    teaching_load_id = Column(Integer, ForeignKey("teaching_load.id"), nullable=False,
                              unique=True)
    academic_year_id = Column(Integer, ForeignKey("academic_year.id"), nullable=False)
    group_id = Column(Integer, ForeignKey("student_group.id"), nullable=False, index=True)
    subgroup_id = Column(Integer, ForeignKey("subgroup.id"))
    discipline_id = Column(Integer, ForeignKey("discipline.id"), nullable=False)
    teacher_id = user_fk(nullable=False, index=True)
    # Assessment form of the discipline in this group's curriculum: "credit" → зачёт/незачёт.
    assessment_form = Column(String(16), nullable=False, default="grade")
    planned_hours = Column(Numeric(6, 1), nullable=False, default=0)
    teaching_load = relationship("TeachingLoad")
    academic_year = relationship("AcademicYear")
    group = relationship("StudentGroup")
    subgroup = relationship("Subgroup")
    discipline = relationship("Discipline")
    teacher = relationship("User", foreign_keys=[teacher_id])
    lessons = relationship("Lesson", back_populates="journal",
                           order_by="(Lesson.lesson_date, Lesson.pair_number)")

    @property
    def title(self) -> str:
        parts = [self.group.name if self.group else "",
                 self.subgroup.name if self.subgroup else "",
                 str(self.discipline) if self.discipline else ""]
        return " · ".join(p for p in parts if p)

    def __repr__(self):
        return self.title


class Lesson(Model):
    """A lesson record (4.4, 4.6): date, pair, topic, homework; late if entered after the day."""
    __tablename__ = "lesson"
    id = Column(Integer, primary_key=True)
    journal_id = Column(Integer, ForeignKey("journal.id"), nullable=False)
    lesson_date = Column(Date, nullable=False)
    pair_number = Column(Integer, nullable=False)
    subgroup_id = Column(Integer, ForeignKey("subgroup.id"))
    topic_id = Column(Integer, ForeignKey("work_program_topic.id"))
    topic = Column(String(500))
    # 4.6: a topic outside the work program is accepted with its reason, and marked in checks
    off_program_reason = Column(String(500))
    # 1.7, 3.3: the teacher's reason for a lesson with no free pair of the timetable (NULL: the
    # lesson took a timetabled pair); such hours are shown apart in the hours report
    off_timetable_reason = Column(String(16))
    lesson_type = Column(String(16), nullable=False, default="theory")
    hours = Column(Integer, nullable=False, default=2)
    homework = Column(Text)
    homework_kind = Column(String(16), nullable=False, default="none")
    # The teacher who actually gave the lesson; a substitute is recorded at entry time (4.4).
    teacher_id = user_fk(nullable=False, index=True)
    is_substitution = Column(Boolean, nullable=False, default=False)
    is_late = Column(Boolean, nullable=False, default=False)
    attendance_taken = Column(Boolean, nullable=False, default=False)
    created_by_id = user_fk()
    created_at = created_at_column()
    updated_at = Column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # 1.6: a deleted lesson is kept (its cells' history points at it) and hidden everywhere.
    deleted_at = Column(DateTime(timezone=True))
    deleted_by_id = user_fk()
    delete_reason = Column(Text)
    journal = relationship("Journal", back_populates="lessons")
    work_program_topic = relationship("WorkProgramTopic")
    teacher = relationship("User", foreign_keys=[teacher_id])
    __table_args__ = (
        # One live lesson per journal, day and pair; deleted ones do not block a new entry.
        Index("uq_lesson_live_slot", "journal_id", "lesson_date", "pair_number", unique=True,
              sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
        CheckConstraint("pair_number BETWEEN 1 AND 8", name="pair_number"),
        CheckConstraint("hours BETWEEN 1 AND 8", name="hours"),
        CheckConstraint(in_check("off_timetable_reason", OFF_TIMETABLE_REASONS),
                        name="off_timetable_reason"),
        CheckConstraint(
            "homework_kind IN ('none', 'practical', 'laboratory', 'control', 'independent')",
            name="homework_kind",
        ),
    )

    @property
    def is_complete(self) -> bool:
        """4.6: the topic is one of the work program's, or a topic outside it with its reason."""
        return bool(self.topic_id or ((self.topic or "").strip()
                                      and (self.off_program_reason or "").strip()))


# statement → the same with the deleted lessons left out: a statement built once (the
# account's, the record's) is rewritten once, not on every request
_LIVE_LESSONS = weakref.WeakKeyDictionary()


@event.listens_for(Session, "do_orm_execute")
def _hide_deleted_lessons(state):
    """1.6: deleted lessons stay in the database for their history but are left out of every
    grid, report and count; `execution_options(include_deleted_lessons=True)` reads them."""
    if (state.is_select and not state.is_column_load and not state.is_relationship_load
            and not state.execution_options.get("include_deleted_lessons", False)):
        statement = state.statement
        live = _LIVE_LESSONS.get(statement)
        if live is None:
            live = _LIVE_LESSONS[statement] = statement.options(with_loader_criteria(
                Lesson, lambda cls: cls.deleted_at.is_(None), include_aliases=True))
        state.statement = live


class JournalCell(Model):
    """One student on one lesson: absence «Н» and/or marks. The version detects lost updates."""
    __tablename__ = "journal_cell"
    id = Column(Integer, primary_key=True)
    lesson_id = Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"), nullable=False)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    absent = Column(Boolean, nullable=False, default=False)
    absence_reason = Column(String(16), nullable=False, default="")
    version = Column(Integer, nullable=False, default=1)
    updated_by_id = user_fk()
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    marks = relationship("Mark", back_populates="cell", order_by="Mark.position",
                         cascade="all, delete-orphan")
    lesson = relationship("Lesson")
    student = relationship("Student")
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("lesson_id", "student_id"),
        CheckConstraint(
            "absence_reason IN ('', 'excused', 'illness', 'unexcused')", name="absence_reason"
        ),
    )


class Mark(Model):
    __tablename__ = "mark"
    id = Column(Integer, primary_key=True)
    # looked up through the unique (cell_id, position) index: no index of its own to keep
    cell_id = Column(Integer, ForeignKey("journal_cell.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    value = Column(String(8), nullable=False)
    work_kind = Column(String(16), nullable=False, default="current")
    cell = relationship("JournalCell", back_populates="marks")
    __table_args__ = (
        UniqueConstraint("cell_id", "position"),
        CheckConstraint("value IN ('2', '3', '4', '5', 'зач', 'незач')", name="value"),
    )


class CellChange(Model):
    """History of every cell: who changed a mark or an absence, when, old and new value (1.6)."""
    __tablename__ = "cell_change"
    id = Column(Integer, primary_key=True)
    lesson_id = Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"), nullable=False)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False)
    # the cell as it reads in its history: «Н» with its reason, each mark with its kind of work
    # ("Н (болезнь)", "5 (контрольная) 4"); four marks with the longest names fit
    old_value = Column(String(255), nullable=False, default="")
    new_value = Column(String(255), nullable=False, default="")
    changed_by_id = user_fk()
    changed_at = created_at_column()
    is_correction = Column(Boolean, nullable=False, default=False)  # made after the lesson day
    # The deputy's reason for a correction in a closed period (4.7, 7.3).
    correction_reason = Column(Text)
    changed_by = relationship("User", foreign_keys=[changed_by_id])
    __table_args__ = (
        Index("ix_cell_change_cell", "lesson_id", "student_id"),
        # the council's report (6.2) counts the few corrections of a semester's lessons
        Index("ix_cell_change_correction", "lesson_id", postgresql_where=text("is_correction"),
              sqlite_where=text("is_correction")),
    )


class FinalGrade(Model):
    """Semester / year / credit / differentiated credit / exam grade (4.7)."""
    __tablename__ = "final_grade"
    id = Column(Integer, primary_key=True)
    journal_id = Column(Integer, ForeignKey("journal.id"), nullable=False)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    period_id = Column(Integer, ForeignKey("period.id"), nullable=False)
    kind = Column(String(16), nullable=False)
    value = Column(String(8), nullable=False)
    # «перезачтено» rests on a document (an academic transcript, a diploma) of a date; an
    # exemption may name its order
    basis = Column(String(255))
    basis_date = Column(Date)
    version = Column(Integer, nullable=False, default=1)
    set_by_id = user_fk()
    set_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    journal = relationship("Journal")
    student = relationship("Student")
    period = relationship("Period")
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("journal_id", "student_id", "period_id", "kind"),
        CheckConstraint(in_check("kind", FINAL_GRADE_KINDS), name="kind"),
        CheckConstraint(in_check("value", FINAL_GRADE_VALUES), name="value"),
    )


class FinalGradeChange(Model):
    """Every final-grade change, with the Deputy's reason after the deadline (4.7)."""
    __tablename__ = "final_grade_change"
    id = Column(Integer, primary_key=True)
    final_grade_id = Column(Integer, ForeignKey("final_grade.id", ondelete="CASCADE"),
                            nullable=False)
    old_value = Column(String(8), nullable=False, default="")
    new_value = Column(String(8), nullable=False, default="")
    reason = Column(Text)
    after_deadline = Column(Boolean, nullable=False, default=False)
    changed_by_id = user_fk()
    changed_at = created_at_column()
    changed_by = relationship("User", foreign_keys=[changed_by_id])
