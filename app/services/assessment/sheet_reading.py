"""What exam and credit sheets read as (4.7): one sheet for the page, the print-out, the XLSX
and the API; the list of sheets with its filters; the sheets a teacher still has to fill."""
from collections import Counter
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from ... import labels
from ...extensions import db
from ...infra import clock
from ...infra.daytime import iso_time
from ...models import FinalGrade, Journal, Period, Student, StudentGroup
from ...models.sheets import ExamSheet, ExamSheetExaminer, ExamSheetRow
from ..journal.final_grades import is_locked
from ..journal.forms import GRADES, NOT_ATTESTED
from .sheet_access import NOT_ADMITTED_WORDS, module_result, sheet_journals
from .sheets import (
    _sheet_query, figures_end, grade_words, grades_of, may_grade, may_keep, sheet_filter,
    sheet_for_read, values_for,
)


# --- reading -------------------------------------------------------------------------------------
def ru_number(value, digits: int) -> str:
    """4,33 / 87,5 as a Russian page writes them; «—» for nothing."""
    return "—" if value is None else f"{float(value):.{digits}f}".replace(".", ",")


def _figure(value) -> float | None:
    return None if value is None else float(value)


def sheet_data(user, sheet_id: int) -> dict:
    """The sheet as the page, the print-out, the XLSX and the API show it: header, examiners,
    rows (student, record book, admission, reasons, average, attendance, grade) and totals.
    Four queries whatever the roster."""
    sheet = sheet_for_read(user, sheet_id)
    journal, period = sheet.journal, sheet.period
    examiners = db.session.scalars(select(ExamSheetExaminer).where(
        ExamSheetExaminer.sheet_id == sheet.id).options(joinedload(ExamSheetExaminer.user))
        .order_by(ExamSheetExaminer.position)).all()
    rows = db.session.execute(select(ExamSheetRow, Student).join(
        Student, Student.id == ExamSheetRow.student_id).where(
        ExamSheetRow.sheet_id == sheet.id).order_by(
        Student.last_name, Student.first_name, Student.id)).all()
    grades = grades_of(sheet)
    journals = sheet_journals(sheet)
    complex_ = len(journals) > 1
    out_rows = []
    for number, (row, student) in enumerate(rows, start=1):
        per = []
        for j in journals:
            g = grades.get((j.id, student.id)) or {"value": None, "version": 0, "basis": None,
                                                   "basis_date": None}
            per.append(dict(
                journal_id=j.id, discipline=str(j.discipline), grade=g["value"],
                grade_words=grade_words(g["value"], row.admitted),
                module_result=module_result(sheet.kind, g["value"]), basis=g["basis"],
                basis_date=g["basis_date"], version=g["version"]))
        main = per[0]
        out_rows.append(dict(
            number=number, student_id=student.id, full_name=student.full_name,
            record_book=student.record_book_number, admitted=row.admitted,
            reason=row.admission_reason, auto_reason=row.auto_reason, decision=row.decision,
            average=_figure(row.average), attendance_pct=_figure(row.attendance_pct),
            average_text=ru_number(row.average, 2), attendance_text=ru_number(
                row.attendance_pct, 1),
            grade=main["grade"], grade_words=main["grade_words"],
            module_result=main["module_result"], basis=main["basis"],
            basis_date=main["basis_date"], version=main["version"], grades=per))
    all_grades = [g for r in out_rows for g in r["grades"] if g["grade"]]
    counts = Counter((g["grade"], g["grade_words"]) for g in all_grades)
    numeric = [int(g["grade"]) for g in all_grades if g["grade"] in GRADES]
    totals = dict(
        students=len(out_rows), admitted=sum(1 for r in out_rows if r["admitted"]),
        not_admitted=sum(1 for r in out_rows if not r["admitted"]),
        by_grade=[(v, words, counts.get((v, words), 0))
                  for v, words in _grade_columns(sheet.kind)],
        graded=sum(1 for r in out_rows if all(g["grade"] for g in r["grades"])),
        average=round(sum(numeric) / len(numeric), 2) if numeric else None,
        mastered=sum(1 for g in all_grades if g["module_result"]
                     and g["grade"] != "2") if sheet.kind == "module_exam" else None)
    totals["average_text"] = ru_number(totals["average"], 2)
    names = [dict(id=e.user_id, name=_person(e.user)) for e in examiners]
    titles = labels.COMPLEX_TITLES if complex_ else labels.SHEET_TITLES
    return dict(
        sheet=sheet, journal=journal, period=period, id=sheet.id, number=sheet.number,
        kind=sheet.kind, kind_label=labels.text(labels.SHEET_KINDS, sheet.kind),
        title=labels.text(titles, sheet.kind), complex=complex_,
        disciplines=[dict(journal_id=j.id, name=str(j.discipline)) for j in journals],
        exam_date=sheet.exam_date, starts_at=sheet.starts_at, place=sheet.place,
        group=journal.group.name,
        subgroup=journal.subgroup.name if journal.subgroup else None,
        discipline="; ".join(str(j.discipline) for j in journals),
        teacher=_person(journal.teacher),
        academic_year=journal.academic_year.name, examiners=names, rows=out_rows,
        totals=totals, values=values_for(sheet.kind), editable=may_keep(user, journal),
        gradable=may_grade(user, journal), locked=is_locked(period, clock.today()),
        closed=period.closed_at is not None, generated_at=sheet.generated_at,
        figures_end=figures_end(sheet))


def _grade_columns(kind: str) -> list[tuple[str, str]]:
    """The totals' columns: each grade and result in words (a no-show, exempt, transferred),
    then «н/а» of those not admitted and of those admitted but not attested."""
    return [(v, grade_words(v)) for v in values_for(kind) if v != NOT_ATTESTED] + [
        (NOT_ATTESTED, NOT_ADMITTED_WORDS), (NOT_ATTESTED, grade_words(NOT_ATTESTED))]


def _person(user) -> str:
    if user is None:
        return ""
    return f"{user.last_name} {user.first_name}".strip()


def sheet_json(data: dict) -> dict:
    """The API's view of sheet_data (dates as ISO strings)."""
    return dict(
        id=data["id"], number=data["number"], kind=data["kind"], kind_label=data["kind_label"],
        title=data["title"], exam_date=data["exam_date"].isoformat(),
        time=iso_time(data["starts_at"]), place=data["place"],
        journal_id=data["journal"].id, group=data["group"], subgroup=data["subgroup"],
        discipline=data["discipline"], academic_year=data["academic_year"],
        period=dict(id=data["period"].id, name=data["period"].name),
        teacher=data["teacher"], examiners=data["examiners"],
        complex=data["complex"], disciplines=data["disciplines"],
        rows=[{**{k: r[k] for k in ("number", "student_id", "full_name", "record_book",
                                    "admitted", "reason", "auto_reason", "decision", "average",
                                    "attendance_pct", "grade", "grade_words", "module_result",
                                    "basis")},
               "basis_date": r["basis_date"].isoformat() if r["basis_date"] else None,
               "grades": [{**{k: g[k] for k in ("journal_id", "discipline", "grade",
                                                "grade_words", "module_result", "basis")},
                           "basis_date": g["basis_date"].isoformat() if g["basis_date"]
                           else None} for g in r["grades"]]}
              for r in data["rows"]],
        totals={**{k: data["totals"][k] for k in ("students", "admitted", "not_admitted",
                                                  "graded", "average", "mastered")},
                "by_grade": [dict(value=v, words=words, count=n)
                             for v, words, n in data["totals"]["by_grade"]]})


def list_sheets(user, group_id: int | None = None, period_id: int | None = None) -> list[dict]:
    """The sheets in the user's scope, filtered by group and period, with their counts
    (students, admitted, graded): three queries whatever the number of sheets."""
    query = _sheet_query().where(sheet_filter(user))
    if group_id:
        query = query.where(ExamSheet.journal_id.in_(select(Journal.id).where(
            Journal.group_id == group_id)))
    if period_id:
        query = query.where(ExamSheet.period_id == period_id)
    sheets = db.session.scalars(query.order_by(ExamSheet.exam_date.desc(),
                                               ExamSheet.id.desc())).unique().all()
    if not sheets:
        return []
    counts = {sid: (total, admitted or 0, graded or 0) for sid, total, admitted, graded in
              db.session.execute(
                  select(ExamSheetRow.sheet_id, func.count(ExamSheetRow.id),
                         func.sum(case((ExamSheetRow.admitted, 1), else_=0)),
                         func.count(FinalGrade.id))
                  .join(ExamSheet, ExamSheet.id == ExamSheetRow.sheet_id)
                  .outerjoin(FinalGrade, and_(
                      FinalGrade.journal_id == ExamSheet.journal_id,
                      FinalGrade.period_id == ExamSheet.period_id,
                      FinalGrade.kind == ExamSheet.kind,
                      FinalGrade.student_id == ExamSheetRow.student_id))
                  .where(ExamSheetRow.sheet_id.in_([s.id for s in sheets]))
                  .group_by(ExamSheetRow.sheet_id))}
    return [dict(sheet=s, kind_label=labels.text(labels.SHEET_KINDS, s.kind),
                 students=counts.get(s.id, (0,))[0],
                 admitted=counts.get(s.id, (0, 0))[1], graded=counts.get(s.id, (0, 0, 0))[2],
                 editable=may_keep(user, s.journal)) for s in sheets]


def filter_choices(user) -> tuple[list[StudentGroup], list[Period]]:
    """Groups and periods for the list's filter (the groups of the sheets in scope)."""
    groups = db.session.scalars(select(StudentGroup).where(StudentGroup.id.in_(
        select(Journal.group_id).join(ExamSheet, ExamSheet.journal_id == Journal.id)
        .where(sheet_filter(user)))).order_by(StudentGroup.name)).all()
    periods = db.session.scalars(select(Period).options(joinedload(Period.academic_year))
                                 .order_by(Period.start_date.desc())).all()
    return groups, periods


def sheets_to_fill(user, day: date) -> list[dict]:
    """The teacher's start page: sheets of their journals in open periods, grades missing."""
    return sorted((r for r in list_sheets(user) if r["sheet"].journal.teacher_id == user.id
                   and r["sheet"].period.closed_at is None and r["graded"] < r["students"]),
                  key=lambda r: r["sheet"].exam_date)
