"""The college's register of academic debts (4.7) on a college-year of data, on PostgreSQL.

    python bench/debts.py [--groups 100] [--teachers 150] [--runs 5] [--light] [--keep]

Builds the college year of bench/council.py (150 teachers, 100 groups of 22 students, 1,000
journals, a year of lessons, cells, marks and history, first-semester exam grades, the audit
log; `--light` leaves out the lessons, cells and audit log, which the register does not read),
adds the curriculum's exams of both semesters and the second semester's grades, closes both
periods by order — which turns every 2 and missing grade into a debt — and schedules retakes
for a tenth of the debts with their results. Then times, as the deputy through the portal
(median of --runs): the register's first page (all groups, open debts), the register filtered
by one group, the XLSX of every open debt, and counts the SQL statements of the page.
"""
import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from council import BUILD, build, college_year_app  # noqa: E402  (the college-year generator)

TODAY = date(2026, 7, 20)  # both semesters closed, their debts open
LIGHT_SKIPS = {"lessons", "cells", "marks", "history", "audit"}
EXTRA = [
    ("curriculum", "INSERT INTO curriculum (specialty_id, admission_year, name) "
                   "SELECT id, 2024, 'План 2024' FROM specialty"),
    ("plan items", "INSERT INTO curriculum_item (curriculum_id, discipline_id, semester, hours, "
                   "assessment_form) SELECT c.id, d.id, s, 36, 'exam' FROM curriculum c, "
                   "discipline d, generate_series(3, 4) s"),
    ("spring grades", "INSERT INTO final_grade (journal_id, student_id, period_id, kind, value, "
                      "version, set_at) SELECT j.id, s.id, p.id, 'exam', "
                      "(2 + floor(random() * 4))::int::text, 1, now() FROM journal j "
                      "JOIN student s ON s.group_id = j.group_id JOIN period p "
                      "ON p.academic_year_id = j.academic_year_id AND p.number = 2 "
                      "WHERE random() < 0.97"),
]


def _median(fn, runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        step = time.perf_counter()
        fn()
        times.append(time.perf_counter() - step)
    return statistics.median(times), min(times), max(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--teachers", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--light", action="store_true",
                        help="leave out lessons, cells and the audit log")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    from sqlalchemy import event, func, select, text
    with college_year_app("bench_debts", args.keep, FAB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
                          JOURNAL_TODAY=TODAY.isoformat()) as (app, year_id, autumn_id,
                                                                spring_id):
        from app.extensions import db
        from app.models import Student
        from app.models.debts import AcademicDebt, RetakeEntry
        from app.services.assessment import retakes
        from app.services.journal import periods
        with app.app_context():
            sm = app.appbuilder.sm
            deputy = sm.add_user("bench_deputy", "Марина", "Завуч", "deputy@bench.local",
                                 [sm.find_role("Deputy"), sm.find_role("Administration")],
                                 "Bench-Passw0rd-1")
            params = {"year": year_id, "groups": args.groups, "teachers": args.teachers}
            started = time.perf_counter()
            build(db, BUILD + EXTRA, params, skip=LIGHT_SKIPS if args.light else ())
            step = time.perf_counter()
            periods.close_period(deputy, autumn_id, "1-у", date(2026, 1, 16), TODAY)
            periods.close_period(deputy, spring_id, "2-у", date(2026, 7, 6), TODAY)
            db.session.commit()
            print(f"  closed periods, debts made  {time.perf_counter() - step:6.1f} s")
            step = time.perf_counter()
            retaken = 0
            for (debt_id,) in db.session.execute(select(AcademicDebt.id).where(
                    AcademicDebt.id % 10 == 0).order_by(AcademicDebt.id)):
                debt = db.session.get(AcademicDebt, debt_id)
                examiner = debt.journal.teacher_id
                retake = retakes.schedule_retake(deputy, [debt_id], date(2026, 7, 10), "ауд. 1",
                                               examiner_id=examiner, today=date(2026, 7, 10))
                if debt_id % 20 == 0:
                    retakes.enter_results(deputy, retake.id,
                                        {retake.entries[0].id: "2"}, today=date(2026, 7, 10))
                retaken += 1
            db.session.commit()
            print(f"  retakes {retaken:,}               {time.perf_counter() - step:6.1f} s")
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            counts = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                      for t in ("journal", "lesson", "journal_cell", "final_grade",
                                "academic_debt", "retake_entry", "audit_log")}
            print(f"data built in {time.perf_counter() - started:.0f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
            open_debts = db.session.scalar(select(func.count(AcademicDebt.id)).where(
                AcademicDebt.status == "open"))
            group_id = db.session.scalar(select(Student.group_id).join(
                AcademicDebt, AcademicDebt.student_id == Student.id).limit(1))
            db.session.remove()
        client = app.test_client()
        client.post("/login/", data={"username": "bench_deputy",
                                     "password": "Bench-Passw0rd-1"})
        with app.app_context():
            statements = []

            def count(*_a):
                statements.append(1)
            event.listen(db.engine, "before_cursor_execute", count)
        for url_, title in (("/debts/", "register, first page"),
                            (f"/debts/?group={group_id}", "register, one group")):
            statements.clear()
            response = client.get(url_)
            assert response.status_code == 200, response.status_code
            queries = len(statements)
            median, low, high = _median(lambda u=url_: client.get(u), args.runs)
            print(f"{title}: median {median:.2f} s (min {low:.2f}, max {high:.2f}, "
                  f"{args.runs} runs), {queries} SQL statements; {open_debts:,} open debts")
        response = client.get("/debts/register.xlsx")
        assert response.status_code == 200
        median, low, high = _median(lambda: client.get("/debts/register.xlsx"), args.runs)
        print(f"register XLSX, every open debt: median {median:.2f} s (min {low:.2f}, "
              f"max {high:.2f}), {len(response.data) // 1024} KB")
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", count)
            entries = db.session.scalar(select(func.count(RetakeEntry.id)))
            print(f"retake entries: {entries:,}")
            db.session.remove()


if __name__ == "__main__":
    main()
