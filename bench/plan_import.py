"""Import of a working curriculum from «Планы» (.plx) (4.2): how long a college's plan takes.

    python bench/plan_import.py [--db sqlite|postgresql] [--demo] [--runs 5] [FILE]

FILE is the plan (default: the Профессионалитет 09.02.07 sample of shared/samples/plans, 61
rows, 472 hour records). On a scratch database (SQLite file, or a database of its own on the
local PostgreSQL, `JOURNAL_PG_ADMIN_URL`; `--demo` builds the demo college first, so that the
journals of its teaching load are generated too), times (median of --runs, min–max):

- reading: the file parsed and checked (`read_plan`);
- the difference of a new plan (`preview`: what the page shows before the confirmation);
- the first import: the difference again, then every row, semester, discipline and item
  written, journals generated, audited, committed (`import_plan`, as the page's confirmation
  and `flask journal import-plan` do) — each run on a fresh copy: the plan is deleted between
  runs;
- a re-import of the same file (the difference only: nothing to write);
- a changed plan (every hour of one row moved) imported over the kept one.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.grid import database  # noqa: E402  (a scratch database of either kind)

SAMPLE = ROOT.parent / "shared" / "samples" / "plans" / "09.02.07-professionalitet-2024.plx"


def timed(fn, runs: int, before=None) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def changed(data: bytes) -> bytes:
    """The same plan with ОГСЭ.02's lectures of semester 1 moved from 37 to 39 hours."""
    text = data.decode("utf-16")
    old = 'КодОбъекта="-5" КодВидаРаботы="101" КодТипаЧасов="1" Курс="1" Семестр="1" ' \
          'Сессия="0" Недель="0" Дней="0" Количество="37"'
    assert old in text, "the sample's ОГСЭ.02 lectures are not where expected"
    return text.replace(old, old.replace('"37"', '"39"')).encode("utf-16")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=str(SAMPLE))
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--demo", action="store_true", help="build the demo college first")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = Path(args.file).read_bytes()
    url, drop = database(args.db)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    from flask_migrate import upgrade

    import config
    from app import create_app
    from app.extensions import db
    from app.models import Curriculum, CurriculumItem, CurriculumRow
    from app.services.college.plan_apply import import_plan, preview
    from app.services.college.plx import read_plan

    app = create_app(type("Cfg", (config.TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    try:
        with app.app_context():
            upgrade(revision="heads")
            app.appbuilder.sm.sync_journal_roles()
            if args.demo:
                from app.demo.college import build_demo
                build_demo("Bench-demo-2025!")

            def forget():
                curriculum = db.session.scalar(db.select(Curriculum).where(
                    Curriculum.admission_year == 2024, Curriculum.source_file.is_not(None)))
                if curriculum is not None:
                    db.session.execute(db.delete(CurriculumItem).where(
                        CurriculumItem.curriculum_id == curriculum.id))
                    db.session.execute(db.update(CurriculumRow).where(
                        CurriculumRow.curriculum_id == curriculum.id).values(parent_id=None))
                    db.session.delete(curriculum)  # its rows and their semesters with it
                    db.session.commit()

            plan = read_plan(data)
            hours = sum(len(t.hours) + len(t.control) for r in plan.rows
                        for t in r.semesters.values())
            print(f"{args.file}: {len(plan.rows)} rows kept, "
                  f"{sum(len(r.semesters) for r in plan.rows)} row semesters, "
                  f"{hours} hours and forms; database {args.db}"
                  + (" with the demo college" if args.demo else ""))
            results = [("reading", timed(lambda: read_plan(data), args.runs)),
                       ("difference of a new plan", timed(lambda: preview(data), args.runs)),
                       ("first import", timed(lambda: import_plan(data, "bench.plx"),
                                              args.runs, before=forget))]
            results.append(("re-import, unchanged",
                            timed(lambda: import_plan(data, "bench.plx"), args.runs)))
            other = changed(data)
            results.append(("changed plan imported", timed(
                lambda: import_plan(other, "bench.plx"), args.runs,
                before=lambda: import_plan(data, "bench.plx"))))
            for what, (median, low, high) in results:
                print(f"| {what} | {median * 1000:.0f} ms "
                      f"| {low * 1000:.0f}–{high * 1000:.0f} ms |")
    finally:
        drop()


if __name__ == "__main__":
    main()
