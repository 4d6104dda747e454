"""Helpers of the practice tests: a production practice ПП.01 of group ИС-24-1 (the test
college's group A) in semester 3 with a differentiated credit, two mentors, placements."""
from datetime import date, timedelta

import pytest

from tests.factories import make_user

TODAY = date(2025, 10, 15)          # a Wednesday, inside the practice
START = date(2025, 10, 6)           # Monday
END = date(2025, 10, 24)            # Friday
COMPETENCIES = [("ПК 1.1", "Формировать алгоритмы разработки программных модулей"),
                ("ПК 1.2", "Разрабатывать программные модули"),
                ("ОК 01", "Выбирать способы решения задач профессиональной деятельности")]


@pytest.fixture()
def practice_day(app):
    """The college's "today" fixed inside the practice (JOURNAL_TODAY)."""
    old = app.config.get("JOURNAL_TODAY")
    app.config["JOURNAL_TODAY"] = TODAY.isoformat()
    yield TODAY
    app.config["JOURNAL_TODAY"] = old


def set_today(app, day: date) -> None:
    app.config["JOURNAL_TODAY"] = day.isoformat()


def add_pp_journal(db, c, form="diff_credit"):
    """ПП.01 in the curriculum of semester 3 (autumn 2025) and its journal of group A,
    taught by teacher1 (the practice's supervisor by default)."""
    from app.models import CurriculumItem, Discipline, Journal, TeachingLoad
    from app.services.journal.generation import generate_journals
    c.pp01 = Discipline(code="ПП.01", name="Производственная практика", kind="pp")
    db.session.add(c.pp01)
    db.session.flush()
    c.pp_item = CurriculumItem(curriculum_id=c.curriculum.id, discipline_id=c.pp01.id,
                               semester=3, hours=108, assessment_form=form)
    c.load_a_pp = TeachingLoad(academic_year_id=c.year.id, group_id=c.group_a.id,
                               discipline_id=c.pp01.id, teacher_id=c.teacher1.id, hours=108)
    db.session.add_all([c.pp_item, c.load_a_pp])
    db.session.flush()
    generate_journals(c.year.id)
    db.session.commit()
    c.journal_a_pp = db.session.query(Journal).filter_by(
        teaching_load_id=c.load_a_pp.id).one()
    return c.journal_a_pp


def build_practice(db, c, app, place=True):
    """The practice, organisations, mentors mentor1 / mentor2, placements of student1 (with
    mentor1) and student2 (with mentor2). Returns c with the new objects."""
    from app.services import practice as svc
    sm = app.appbuilder.sm
    add_pp_journal(db, c)
    c.mentor1 = make_user(sm, "mentor1", ["Mentor"], "Наставникова", "Вера")
    c.mentor2 = make_user(sm, "mentor2", ["Mentor"], "Мастеров", "Глеб")
    c.users["mentor1"], c.users["mentor2"] = c.mentor1, c.mentor2
    db.session.commit()
    c.practice = svc.create_practice(c.deputy, c.journal_a_pp.id, START, END, 108, None,
                                     COMPETENCIES, "45-п", date(2025, 10, 1))
    c.org1 = svc.add_organisation(c.deputy, "ООО «Софтлайн»", "г. Иркутск, ул. Ленина, 1",
                                  "+7 3952 000-001")
    c.org2 = svc.add_organisation(c.deputy, "АО «Вектор»", "г. Иркутск, ул. Карла Маркса, 2",
                                  "info@vector.test")
    db.session.commit()
    c.placements = {}
    if place:
        c.placements["student1"] = svc.assign_placement(
            c.teacher1, c.practice.id, c.student1.id, c.org1.id, c.mentor1.id, "Д-17",
            date(2025, 9, 20), "45-п", date(2025, 10, 1))
        c.placements["student2"] = svc.assign_placement(
            c.teacher1, c.practice.id, c.student2.id, c.org2.id, c.mentor2.id, "Д-18",
            date(2025, 9, 22),
            "45-п", date(2025, 10, 1))
        db.session.commit()
    return c


@pytest.fixture()
def pc(app, db, college, practice_day):
    """The test college with the production practice of group A under way."""
    return build_practice(db, college, app)


def working_days(start: date, end: date):
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)
