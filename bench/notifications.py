"""The cost of notifications on a lesson column's save (SPEC §5), in one process, saves with
NOTIFICATIONS_ENABLED on and off interleaved (so the machine's load weighs on both alike).

    python bench/notifications.py [--db sqlite|postgresql] [--runs 200]

The grid bench's journal (35 students × 120 lessons, bench/grid.py); every save writes 35
cells through the API (`PUT /api/v1/journals/<id>/marks`). Reports the median and mean save
time with and without notifications, and the statements per save.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.grid import grid_app  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    from sqlalchemy import event, func, select

    from app.models import Notification, Parent, Student, StudentParent
    from tests.factories import login_client, make_user
    with grid_app(args.db) as (app, db, journal, students):
        # every student with an account and a parent with one, as in a real group
        sm = app.appbuilder.sm
        for n, student in enumerate(students):
            if student.user_id is None:
                student.user_id = make_user(sm, f"bs{n}", ["Student"], "Б", "С").id
                parent = Parent(last_name="Родитель", first_name="Б",
                                user_id=make_user(sm, f"bp{n}", ["Parent"], "Р", "Б").id)
                db.session.add(parent)
                db.session.flush()
                db.session.add(StudentParent(student_id=student.id, parent_id=parent.id))
        db.session.commit()
        minors = db.session.scalar(select(func.count(Student.id)).where(
            Student.id.in_([s.id for s in students])))
        client = login_client(app, "teacher1")
        body = client.get(f"/api/v1/journals/{journal.id}/grid").get_json()
        lesson_ids = [lesson["id"] for lesson in body["lessons"]]
        versions = {(c["lesson_id"], c["student_id"]): c["version"] for c in body["cells"]}
        ids = [s.id for s in students]
        times = {True: [], False: []}
        statements = {True: 0, False: 0}
        counter = {"n": 0}

        def count(*_a):
            counter["n"] += 1
        event.listen(db.engine, "before_cursor_execute", count)
        for i in range(args.runs * 2):
            enabled = i % 4 in (0, 3)  # on, off, off, on, …
            app.config["NOTIFICATIONS_ENABLED"] = enabled
            lid = lesson_ids[i % len(lesson_ids)]
            changes = [{"lesson_id": lid, "student_id": sid,
                        "version": versions.get((lid, sid), 0),
                        "marks": [random.choice("2345")]} for sid in ids]
            counter["n"] = 0
            start = time.perf_counter()
            r = client.put(f"/api/v1/journals/{journal.id}/marks",
                           json={"changes": changes})
            times[enabled].append(time.perf_counter() - start)
            statements[enabled] = counter["n"]
            assert r.status_code == 200, r.get_json()
            for c in r.get_json()["cells"]:
                versions[(c["lesson_id"], c["student_id"])] = c["version"]
        event.remove(db.engine, "before_cursor_execute", count)
        written = db.session.scalar(select(func.count(Notification.id)))
    on, off = times[True], times[False]
    print(f"{args.db}: {len(ids)} cells a save, {minors} students (each with a parent "
          f"account), {args.runs} saves each way, interleaved")
    for label, values, enabled in (("off", off, False), ("on", on, True)):
        print(f"  notifications {label:<3}: median {statistics.median(values) * 1000:6.1f} ms, "
              f"mean {statistics.mean(values) * 1000:6.1f} ms, "
              f"{statements[enabled]} statements a save request")
    print(f"  on / off (median): {100 * statistics.median(on) / statistics.median(off):.1f} %; "
          f"notifications written: {written}")


if __name__ == "__main__":
    main()
