"""The pedagogical council's report (6.2) on a college-year of data, on PostgreSQL.

    python bench/council.py [--groups 100] [--teachers 150] [--runs 5] [--keep]

Builds, with set-based SQL in a database of its own: 150 teachers in 5 departments, 100
groups of 22 students, 10 journals per group (1,000 journals), a timetable of 20 pairs a week
per group, a year of lessons (~3 % of the timetable's pairs left unrecorded, ~10 % late),
~1.5 M cells with marks, a history row per cell, final grades of the first semester with
their history, and an audit log of logins and cell changes; a curator per group with ~90 % of
the weekly checks recorded, a deputy checking ~15 % of the journals a month, an account for
every student and a parent (~40 % of them logging in each week), blocking requests and a
backup a day. Then times the council's report for the first semester and for the whole year,
and the activity report (6.1) for a month (median of --runs), and counts their SQL statements.
"""
import argparse
import os
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("JOURNAL_PG_ADMIN_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TODAY = date(2026, 7, 1)  # the year is over: every pair of the timetable is due

BUILD = [
    ("departments", "INSERT INTO department (name) SELECT 'Отделение ' || g "
                    "FROM generate_series(1, 5) g"),
    ("teachers", "INSERT INTO ab_user (first_name, last_name, username, password, active, "
                 "email, created_on, changed_on, login_count, fail_login_count) "
                 "SELECT 'Бенч', 'Преподаватель' || g, 'bt' || g, 'x', true, "
                 "'bt' || g || '@bench.local', now(), now(), 0, 0 "
                 "FROM generate_series(1, :teachers) g"),
    ("roles", "INSERT INTO ab_user_role (user_id, role_id) SELECT u.id, r.id FROM ab_user u, "
              "ab_role r WHERE u.username LIKE 'bt%' AND r.name = 'Teacher'"),
    ("staff", "INSERT INTO staff_profile (user_id, department_id, position) "
              "SELECT u.id, (SELECT min(id) FROM department) + u.id % 5, 'преподаватель' "
              "FROM ab_user u WHERE u.username LIKE 'bt%'"),
    ("specialty", "INSERT INTO specialty (code, name) VALUES ('09.02.07', 'ИСП')"),
    ("groups", "INSERT INTO student_group (name, specialty_id, admission_year, "
               "graduation_date, status) SELECT 'Г-' || g, (SELECT min(id) FROM specialty), "
               "2024, '2028-06-30', 'active' FROM generate_series(1, :groups) g"),
    ("students", "INSERT INTO student (last_name, first_name, birth_date, "
                 "record_book_number, group_id, status) SELECT 'Студент' || s, 'Бенч', "
                 "'2007-01-01', 'R' || g.id || '-' || s, g.id, 'studying' "
                 "FROM student_group g, generate_series(1, 22) s"),
    ("memberships", "INSERT INTO group_membership (student_id, group_id, start_date) "
                    "SELECT id, group_id, '2024-09-01' FROM student"),
    ("disciplines", "INSERT INTO discipline (code, name, kind) "
                    "SELECT 'Д.' || d, 'Дисциплина ' || d, 'op' FROM generate_series(1, 10) d"),
    ("load", "INSERT INTO teaching_load (academic_year_id, group_id, discipline_id, teacher_id, "
             "hours) SELECT :year, g.id, d.id, (SELECT id FROM ab_user WHERE username = "
             "'bt' || ((g.id * 7 + d.id) % :teachers + 1)), 72 FROM student_group g, discipline d"),
    ("journals", "INSERT INTO journal (teaching_load_id, academic_year_id, group_id, "
                 "discipline_id, teacher_id, assessment_form, planned_hours) SELECT id, "
                 "academic_year_id, group_id, discipline_id, teacher_id, 'grade', hours "
                 "FROM teaching_load"),
    ("timetable", "INSERT INTO timetable_entry (period_id, group_id, weekday, pair_number, "
                  "journal_id, room) SELECT p.id, j.group_id, wd, pr, j.id, '101' "
                  "FROM period p, generate_series(0, 4) wd, generate_series(1, 4) pr, journal j "
                  "JOIN discipline d ON d.id = j.discipline_id "
                  "WHERE d.code = 'Д.' || ((wd * 4 + pr) % 10 + 1)"),
    ("lessons", "INSERT INTO lesson (journal_id, lesson_date, pair_number, topic, lesson_type, "
                "hours, homework_kind, teacher_id, is_substitution, is_late, attendance_taken, "
                "created_by_id, created_at, updated_at) SELECT e.journal_id, day::date, "
                "e.pair_number, CASE WHEN random() < 0.03 THEN NULL ELSE 'Тема' END, 'theory', "
                "2, 'none', j.teacher_id, false, random() < 0.1, random() > 0.02, j.teacher_id, "
                "day + interval '12 hours', day + interval '12 hours' "
                "FROM period p JOIN timetable_entry e ON e.period_id = p.id "
                "JOIN journal j ON j.id = e.journal_id, "
                "generate_series(p.start_date, p.end_date, interval '1 day') day "
                "WHERE extract(isodow FROM day) - 1 = e.weekday AND random() < 0.97"),
    ("cells", "INSERT INTO journal_cell (lesson_id, student_id, absent, absence_reason, "
              "version, updated_at) SELECT l.id, s.id, random() < 0.12, '', 1, l.created_at "
              "FROM lesson l JOIN journal j ON j.id = l.journal_id "
              "JOIN student s ON s.group_id = j.group_id WHERE random() < 0.8"),
    ("marks", "INSERT INTO mark (cell_id, position, value, work_kind) SELECT id, 0, "
              "(2 + floor(random() * 4))::int::text, 'current' FROM journal_cell "
              "WHERE NOT absent AND random() < 0.45"),
    ("history", "INSERT INTO cell_change (lesson_id, student_id, old_value, new_value, "
                "changed_by_id, changed_at, is_correction) SELECT c.lesson_id, c.student_id, "
                "'', 'x', l.teacher_id, l.created_at, random() < 0.02 "
                "FROM journal_cell c JOIN lesson l ON l.id = c.lesson_id"),
    ("final grades", "INSERT INTO final_grade (journal_id, student_id, period_id, kind, value, "
                     "version, set_at) SELECT j.id, s.id, p.id, 'exam', "
                     "(2 + floor(random() * 4))::int::text, 1, now() FROM journal j "
                     "JOIN student s ON s.group_id = j.group_id JOIN period p "
                     "ON p.academic_year_id = j.academic_year_id AND p.number = 1 "
                     "WHERE random() < 0.97"),
    ("final history", "INSERT INTO final_grade_change (final_grade_id, old_value, new_value, "
                      "after_deadline, changed_by_id, changed_at) SELECT f.id, '', f.value, "
                      "false, j.teacher_id, p.final_grade_deadline - "
                      "(CASE WHEN random() < 0.05 THEN -2 ELSE 3 END) * interval '1 day' "
                      "FROM final_grade f JOIN journal j ON j.id = f.journal_id "
                      "JOIN period p ON p.id = f.period_id"),
    ("curators", "UPDATE student_group SET curator_id = (SELECT id FROM ab_user WHERE "
                 "username = 'bt' || (student_group.id % :teachers + 1))"),
    ("weekly checks", "INSERT INTO weekly_check (group_id, week_start, curator_id, checked_at, "
                      "issues, findings, memo_sent) SELECT g.id, w::date, g.curator_id, "
                      "w + (3 + floor(random() * 8)) * interval '1 day', 0, '', false "
                      "FROM student_group g, generate_series('2025-09-01'::date, "
                      "'2026-06-22'::date, interval '7 days') w WHERE random() < 0.9"),
    ("deputy", "INSERT INTO ab_user (first_name, last_name, username, password, active, email, "
               "created_on, changed_on, login_count, fail_login_count) VALUES ('Бенч', "
               "'Завуч', 'bdeputy', 'x', true, 'bdeputy@bench.local', now(), now(), 0, 0)"),
    ("deputy role", "INSERT INTO ab_user_role (user_id, role_id) SELECT u.id, r.id "
                    "FROM ab_user u, ab_role r WHERE u.username = 'bdeputy' "
                    "AND r.name = 'Deputy'"),
    ("controls", "INSERT INTO control_check (journal_id, inspector_id, check_date, findings, "
                 "fix_deadline, fixed, created_at) SELECT j.id, (SELECT id FROM ab_user WHERE "
                 "username = 'bdeputy'), m::date + 10, CASE WHEN random() < 0.3 THEN 'Нет тем' "
                 "ELSE '' END, m::date + 20, random() < 0.5, m + interval '10 days' "
                 "FROM journal j, generate_series('2025-09-01'::date, '2026-06-01'::date, "
                 "interval '1 month') m WHERE random() < 0.15"),
    ("student users", "INSERT INTO ab_user (first_name, last_name, username, password, active, "
                      "email, created_on, changed_on, login_count, fail_login_count) "
                      "SELECT 'Студент', 'Бенч', 'bs' || id, 'x', true, 'bs' || id || "
                      "'@bench.local', now(), now(), 0, 0 FROM student"),
    ("student links", "UPDATE student SET user_id = (SELECT id FROM ab_user WHERE "
                      "username = 'bs' || student.id)"),
    ("parent users", "INSERT INTO ab_user (first_name, last_name, username, password, active, "
                     "email, created_on, changed_on, login_count, fail_login_count) "
                     "SELECT 'Родитель', 'Бенч', 'bp' || id, 'x', true, 'bp' || id || "
                     "'@bench.local', now(), now(), 0, 0 FROM student"),
    ("parents", "INSERT INTO parent (last_name, first_name, user_id) SELECT 'Бенч', "
                "'Родитель' || s.id, u.id FROM student s JOIN ab_user u "
                "ON u.username = 'bp' || s.id"),
    ("parent links", "INSERT INTO student_parent (student_id, parent_id, relation) "
                     "SELECT s.id, p.id, 'мать' FROM student s JOIN parent p "
                     "ON p.first_name = 'Родитель' || s.id"),
    ("block requests", "INSERT INTO block_request (user_id, action, status, requested_by_id, "
                       "requested_at, decided_by_id, decided_at) SELECT s.user_id, 'block', "
                       "'confirmed', (SELECT id FROM ab_user WHERE username = 'bdeputy'), "
                       "'2025-10-01'::timestamptz + s.id * interval '1 hour', "
                       "(SELECT id FROM ab_user WHERE username = 'bdeputy'), "
                       "'2025-10-01'::timestamptz + s.id * interval '1 hour' "
                       "+ interval '5 hours' FROM student s WHERE random() < 0.05"),
    ("backups", "INSERT INTO backup_record (file_name, created_at, size_bytes, sha256, engine, "
                "verified, removed) SELECT 'b' || d::date, d, 1000000, md5(d::text) || "
                "md5(d::text), 'postgresql', random() < 0.9, false FROM generate_series("
                "'2025-09-01'::date, '2026-06-30'::date, interval '1 day') d"),
    ("audit", "INSERT INTO audit_log (id, created_at, user_id, username, action, prev_hash, "
              "entry_hash) SELECT n, at, uid, 'bench', action, md5(n::text) || md5('p' || n), "
              "md5(n::text) || md5('e' || n) FROM (SELECT row_number() OVER () AS n, * FROM ("
              "SELECT day + interval '1 hour' AS at, u.id AS uid, 'login' AS action "
              "FROM ab_user u, generate_series('2025-09-01'::date, '2026-06-30'::date, "
              "interval '1 day') day WHERE u.username LIKE 'bt%' AND random() < 0.7 "
              "UNION ALL SELECT day + interval '2 hours', u.id, 'login' FROM ab_user u, "
              "generate_series('2025-09-01'::date, '2026-06-30'::date, interval '7 days') day "
              "WHERE (u.username LIKE 'bs%' OR u.username LIKE 'bp%') AND random() < 0.4 "
              "UNION ALL SELECT c.changed_at, c.changed_by_id, 'cell_change' "
              "FROM cell_change c) entries) numbered"),
]


@contextmanager
def college_year_app(prefix: str, keep: bool = False, **settings):
    """A portal on a PostgreSQL database of its own (dropped afterwards unless `keep`),
    migrated, roles synced, with the academic year 2025/2026 and its two semesters. Yields
    (app, year id, autumn id, spring id); the caller opens its own app contexts."""
    from sqlalchemy import create_engine, text
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    from flask_migrate import upgrade

    import config
    from app import create_app
    from app.extensions import db
    from app.models import AcademicYear, Period

    app = create_app(type("Cfg", (config.TestConfig,),
                          dict(SQLALCHEMY_DATABASE_URI=url, **settings)))
    try:
        with app.app_context():
            upgrade(revision="heads")
            app.appbuilder.sm.sync_journal_roles()
            year = AcademicYear(name="2025/2026", start_date=date(2025, 9, 1),
                                end_date=date(2026, 6, 30))
            autumn = Period(academic_year=year, number=1, name="1 семестр",
                            start_date=date(2025, 9, 1), end_date=date(2025, 12, 28),
                            final_grade_deadline=date(2026, 1, 15))
            spring = Period(academic_year=year, number=2, name="2 семестр",
                            start_date=date(2026, 1, 12), end_date=date(2026, 6, 30),
                            final_grade_deadline=date(2026, 7, 5))
            db.session.add_all([year, autumn, spring])
            db.session.commit()
            ids = (year.id, autumn.id, spring.id)
            db.session.remove()
        yield (app, *ids)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(db, steps, params: dict, skip=()) -> None:
    """Run the set-based SQL steps, printing how long each took."""
    from sqlalchemy import text
    for label, sql in steps:
        if label in skip:
            continue
        step = time.perf_counter()
        db.session.execute(text(sql), params)
        db.session.commit()
        print(f"  built {label:<14} {time.perf_counter() - step:6.1f} s", flush=True)


def timed(db, runs: int, report):
    """(the report, its SQL statements, the times of `runs` more runs)."""
    from sqlalchemy import event
    statements = []

    def count(*_a):
        statements.append(1)
    event.listen(db.engine, "before_cursor_execute", count)
    found = report()
    event.remove(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        db.session.expire_all()
        step = time.perf_counter()
        report()
        times.append(time.perf_counter() - step)
    return found, len(statements), times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--teachers", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    from sqlalchemy import text
    with college_year_app("bench_council", args.keep) as (app, year_id, autumn_id, spring_id):
        from app.extensions import db
        from app.models import Period
        from app.services.control.reports import activity as act, council as cr
        with app.app_context():
            params = {"year": year_id, "groups": args.groups, "teachers": args.teachers}
            started = time.perf_counter()
            build(db, BUILD, params)
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            counts = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                      for t in ("journal", "lesson", "journal_cell", "cell_change",
                                "final_grade", "audit_log")}
            print(f"data built in {time.perf_counter() - started:.0f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
            autumn, spring = db.session.get(Period, autumn_id), db.session.get(Period, spring_id)
            for title, periods in (("1st semester", [autumn]), ("year", [autumn, spring])):
                report, statements, times = timed(
                    db, args.runs, lambda p=periods: cr.council(p, today=TODAY))
                total, work = report["total"], report["work"]
                print(f"council report, {title}: median {statistics.median(times):.2f} s "
                      f"(min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs), "
                      f"{statements} SQL statements; {len(report['rows'])} teachers, "
                      f"{total['lessons']:,} lessons, {total['missing']:,} missing, "
                      f"{total['grades']:,} final grades; "
                      f"{len(work['curators']['rows'])} curators, "
                      f"{work['curators']['total']['checks_done']:,} weekly checks, "
                      f"{len(work['usage']['rows'])} groups' logins")
            report, statements, times = timed(db, args.runs, lambda: act.activity(
                date(2025, 10, 1), date(2025, 10, 31)))
            print(f"activity report, October: median {statistics.median(times):.2f} s "
                  f"(min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs), "
                  f"{statements} SQL statements; {len(report['rows'])} staff")
            db.session.remove()


if __name__ == "__main__":
    main()
