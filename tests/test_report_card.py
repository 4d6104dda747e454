"""The report card (табель успеваемости, 2.2, 3.6, 5.2; issue 27): per period the final grades,
the averages and the missed hours by reason, with the group's figure beside each; who may read
it (the record's rule), the XLSX, and a fixed number of queries."""
import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.models import Discipline, Journal, TeachingLoad
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.journal_helpers import count_queries
from tests.portal_helpers import add_cell, add_final, add_lesson, fixed_today, seed_record  # noqa: F401


@pytest.fixture()
def c(college, db, fixed_today):  # noqa: F811
    seed_record(db, college)
    popov = college.a_students[2]
    add_final(db, college.journal_a_op, popov, college.autumn, "exam", "3")
    add_final(db, college.journal_a_op, college.student1, college.autumn, "semester", "4")
    db.session.commit()
    college.popov = popov
    return college


def card(client, student, suffix=""):
    return client.get(f"/portal/student/{student.id}/report-card{suffix}")


def _row(html: str, journal) -> list[str]:
    row = html.split(f'data-journal="{journal.id}"')[1].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_student_reads_the_periods_report_card_beside_the_group(c, login):
    page = card(login("student1"), c.student1)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Табель успеваемости" in html and "1 семестр" in html
    enrolled = len(c.a_students)
    # ОП.01: the exam grade 5 before the semester grade; the group: (5 + 3) / 2; the current
    # average (5 + 4) / 2 beside the group's (4,50 + 2,00) / 2; 2 hours missed (illness)
    assert _row(html, c.journal_a_op) == [
        "5", "4,00", "4,50", "3,25", "2", "2", "0", "0",
        f"{4 / enrolled:.2f}".replace(".", ",")]
    totals = html.split('id="report-card-totals"')[1].split("</tr>")[0]
    assert "<b>5,00</b>" in totals and "4,00" in totals


def test_who_reads_a_report_card(c, login, db):
    assert card(login("parent1"), c.student1).status_code == 200
    # a parent only their own child; a parent of an adult nothing; another student nothing
    assert card(login("parent1"), c.student2).status_code == 403
    adult = card(login("parent2"), c.student2)
    assert adult.status_code == 403 and "18 лет" in adult.get_data(as_text=True)
    assert card(login("student2"), c.student1).status_code == 403
    assert card(login("parent2"), c.student2, ".xlsx").status_code == 403
    # the curator, the administration; a teacher only their own disciplines
    assert card(login("curator1"), c.student1).status_code == 200
    teacher = card(login("teacher2"), c.student1).get_data(as_text=True)
    assert "Показаны только ваши дисциплины" in teacher
    assert f'data-journal="{c.journal_a_op.id}"' not in teacher
    assert f'data-journal="{c.journal_a_mdk2.id}"' not in teacher  # not student1's subgroup
    # the menu's item: the student's own card; a parent with one child straight to it
    own = login("student1").get("/portal/report-card")
    assert own.status_code == 302
    assert own.location.endswith(f"/portal/student/{c.student1.id}/report-card")


def test_the_report_card_as_xlsx(c, login):
    answer = card(login("parent1"), c.student1, ".xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.data))["Табель"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Табель успеваемости"
    row = next(r for r in values if r[0] == "ОП.01 Операционные системы")
    enrolled = len(c.a_students)
    assert row == ("ОП.01 Операционные системы", "Петрова Анна", "экзамен: 5; семестровая: 4",
                   4, 4.5, 3.25, 2, 2, 0, 0, round(4 / enrolled, 2))
    totals = next(r for r in values if r[0] == "Средний балл итоговых оценок")
    assert totals[2:4] == (5, 4)


def test_the_report_card_reads_a_fixed_number_of_queries(c, login, db):
    client = login("student1")
    card(client, c.student1)  # the login's first requests load the roles
    db.session.expire_all()  # as after the commit below: nothing read from the identity map
    before = count_queries(db, lambda: card(client, c.student1))
    # more disciplines, lessons, marks, absences and grades
    for n in range(3):
        discipline = Discipline(code=f"ОП.1{n}", name=f"Дисциплина {n}", kind="op")
        db.session.add(discipline)
        db.session.flush()
        load = TeachingLoad(academic_year_id=c.year.id, group_id=c.group_a.id,
                            discipline_id=discipline.id, teacher_id=c.teacher1.id, hours=36)
        db.session.add(load)
        db.session.flush()
        journal = Journal(teaching_load_id=load.id, academic_year_id=c.year.id,
                          group_id=c.group_a.id, discipline_id=discipline.id,
                          teacher_id=c.teacher1.id, assessment_form="exam")
        db.session.add(journal)
        db.session.flush()
        for day in range(1, 6):
            lesson = add_lesson(db, journal, date(2025, 10, day), 2)
            add_cell(db, lesson, c.student1, ["4"])
            add_cell(db, lesson, c.popov, absent=True)
        add_final(db, journal, c.student1, c.autumn, "exam", "4")
    db.session.commit()
    after = count_queries(db, lambda: card(client, c.student1))
    assert card(client, c.student1).get_data(as_text=True).count("data-journal=") == 6
    assert before == after <= 14, (before, after)
