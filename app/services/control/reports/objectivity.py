"""Objectivity of assessment (2.2): per teacher and discipline, the average of current marks
against the exam / differentiated credit result, and the share of students whose result
differs from their current average by 2 points or more. Rows beyond the thresholds are
outliers."""
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ....extensions import db
from ....models import FinalGrade, Journal, JournalCell, Lesson, Mark, Period
from ...journal.progress import weighted_average, work_kind_weights
from ...scopes import journal_filter
from . import percent

NUMERIC = ("2", "3", "4", "5")
EXAM_KINDS = ("exam", "diff_credit")
OUTLIER_SHARE = 25.0  # % of students differing by 2+
OUTLIER_GAP = 1.0  # |average exam − average current| in points


def objectivity(user, period: Period) -> list[dict]:
    journals = {j.id: j for j in db.session.scalars(select(Journal).where(
        journal_filter(user), Journal.academic_year_id == period.academic_year_id).options(
        joinedload(Journal.group), joinedload(Journal.discipline), joinedload(Journal.teacher),
        joinedload(Journal.subgroup)))}
    current = defaultdict(list)  # (journal, student) → [(numeric mark, kind of work)]
    for jid, sid, value, kind in db.session.execute(select(
            Lesson.journal_id, JournalCell.student_id, Mark.value, Mark.work_kind).join(
            JournalCell, JournalCell.lesson_id == Lesson.id).join(
            Mark, Mark.cell_id == JournalCell.id).where(
            Lesson.journal_id.in_(list(journals)), Lesson.lesson_date >= period.start_date,
            Lesson.lesson_date <= period.end_date, Mark.value.in_(NUMERIC))):
        current[(jid, sid)].append((value, kind))
    finals = {}
    for jid, sid, value in db.session.execute(select(
            FinalGrade.journal_id, FinalGrade.student_id, FinalGrade.value).where(
            FinalGrade.journal_id.in_(list(journals)), FinalGrade.period_id == period.id,
            FinalGrade.kind.in_(EXAM_KINDS), FinalGrade.value.in_(NUMERIC))):
        finals[(jid, sid)] = int(value)
    per_journal = defaultdict(list)  # journal → [(current average, final)]
    weights = work_kind_weights()
    for key, final in finals.items():
        marks = current.get(key)
        if marks:  # the student's current average is the weighted one, as in the grid
            per_journal[key[0]].append((weighted_average(marks, weights), final))
    rows = []
    for jid, pairs in per_journal.items():
        j = journals[jid]
        avg_cur = sum(c for c, _ in pairs) / len(pairs)
        avg_fin = sum(f for _, f in pairs) / len(pairs)
        far = sum(1 for c, f in pairs if abs(f - c) >= 2)
        share = percent(far, len(pairs))
        gap = round(avg_fin - avg_cur, 2)
        rows.append(dict(teacher=f"{j.teacher.last_name} {j.teacher.first_name}",
                         discipline=str(j.discipline),
                         group=j.group.name + (f" ({j.subgroup.name})" if j.subgroup else ""),
                         students=len(pairs), current=round(avg_cur, 2),
                         final=round(avg_fin, 2), gap=gap, far_share=share,
                         outlier=share >= OUTLIER_SHARE or abs(gap) >= OUTLIER_GAP))
    return sorted(rows, key=lambda r: (r["teacher"], r["discipline"], r["group"]))
