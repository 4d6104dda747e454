"""Demo college: practice (issue 15, 2.2).

The third-year ИС group (curator6's) is at production practice ПП.01 now (its dates around
the demo's day) at two organisations with the mentors `mentor1` and `mentor2` (the demo's
password): diaries partly written, confirmed, a few returned with a comment, two students who
stopped writing. Its учебная practice УП.02 of the autumn is finished: every diary entry
confirmed, attestation sheets with the характеристика, and the grade (a differentiated credit,
the final grade of the practice's journal) — the curriculum has a differentiated credit for
both practices in that semester (demo_data.THIRD_COURSE).
"""
from datetime import date, datetime, time, timedelta, timezone

from .. import labels
from ..extensions import db
from ..infra import clock
from ..models import FinalGrade, FinalGradeChange
from ..models.practice import (
    Practice, PracticeAttestation, PracticeAttestationItem, PracticeCompetency, PracticeDiaryChange,
    PracticeDiaryEntry, PracticeOrganisation, PracticePlacement,
)
from . import data as D

MENTORS = [("mentor1", "Светлана", "Коваленко", ["Mentor"]),
           ("mentor2", "Дмитрий", "Журавлёв", ["Mentor"])]
ORGANISATIONS = [
    ("ООО «СибИнфоСофт»", "г. Иркутск, ул. Ленина, д. 21, офис 305",
     "+7 3952 20-41-17, hr@sibinfosoft.demo"),
    ("АО «Байкальские информационные системы»", "г. Иркутск, ул. Карла Маркса, д. 40",
     "+7 3952 25-00-90, practice@bis.demo"),
]
COMPETENCIES = {
    "ПП.01": [
        ("ПК 1.1", "Формировать алгоритмы разработки программных модулей в соответствии с "
                   "техническим заданием"),
        ("ПК 1.2", "Разрабатывать программные модули в соответствии с техническим заданием"),
        ("ПК 1.4", "Выполнять тестирование программных модулей"),
        ("ОК 01", "Выбирать способы решения задач профессиональной деятельности "
                  "применительно к различным контекстам"),
        ("ОК 02", "Использовать современные средства поиска, анализа и интерпретации "
                  "информации и информационные технологии"),
    ],
    "УП.02": [
        ("ПК 2.1", "Разрабатывать требования к программным модулям на основе анализа проектной "
                   "и технической документации"),
        ("ПК 2.4", "Осуществлять разработку тестовых наборов и тестовых сценариев"),
        ("ОК 04", "Эффективно взаимодействовать и работать в коллективе и команде"),
    ],
}
WORK = [
    "Инструктаж по охране труда, знакомство с рабочим местом и регламентами отдела",
    "Изучение технического задания на модуль учёта заявок, уточнение требований",
    "Разработка структуры базы данных модуля, согласование с наставником",
    "Программирование формы ввода заявок, проверка введённых данных",
    "Написание модульных тестов для слоя доступа к данным",
    "Исправление ошибок по результатам ревью кода",
    "Разработка отчёта по заявкам за период, выгрузка в XLSX",
    "Участие в планёрке команды, оценка задач на следующую неделю",
    "Настройка сборки проекта и автоматического запуска тестов",
    "Подготовка пользовательской документации к модулю",
    "Тестирование модуля вместе с аналитиком, оформление замечаний",
    "Доработка интерфейса по замечаниям пользователей",
]
RETURN_COMMENTS = [
    "Опишите подробнее, какие именно таблицы вы спроектировали.",
    "Укажите, какие тесты написаны и что они проверяют.",
    "Часы не совпадают с табелем: в этот день вы были на объекте 4 часа.",
]
CHARACTERISTICS = [
    "За время практики {name} показал(а) хорошую теоретическую подготовку и умение применять "
    "её на практике. Задания выполнял(а) в срок, аккуратно, охотно принимал(а) замечания и "
    "исправлял(а) ошибки. Соблюдал(а) трудовую дисциплину и правила охраны труда. "
    "Рекомендуемая оценка — «{grade}».",
    "{name} во время практики проявил(а) самостоятельность и ответственность, быстро освоил(а) "
    "инструменты команды. Поставленные задачи решал(а) в основном без помощи наставника, "
    "работал(а) в коллективе доброжелательно. Рекомендуемая оценка — «{grade}».",
]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), clock.college_zone()).astimezone(timezone.utc)


def _working_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5 and (day.month, day.day) not in D.HOLIDAYS:
            days.append(day)
        day += timedelta(days=1)
    return days


def _journal(b, group_index: int, code: str):
    return next((j for j in b.journals if j.group == group_index and j.year == "cur"
                 and j.code == code and j.subgroup_id is None), None)


def _practice(b, journal, period, start, end, hours, code, order) -> Practice:
    practice = Practice(journal_id=journal.id, period_id=period.id, start_date=start,
                        end_date=end, hours=hours, supervisor_id=journal.teacher_id,
                        order_number=order, order_date=start - timedelta(days=7),
                        created_at=_at(start - timedelta(days=7), 10))
    practice.competencies = [PracticeCompetency(code=c, title=t, position=n)
                             for n, (c, t) in enumerate(COMPETENCIES[code], 1)]
    db.session.add(practice)
    db.session.flush()
    return practice


def _place(b, practice, students, organisations, mentors, order) -> list[PracticePlacement]:
    placements = []
    for n, sid in enumerate(students):
        half = 0 if n < (len(students) + 1) // 2 else 1
        placements.append(PracticePlacement(
            practice_id=practice.id, student_id=sid, organisation_id=organisations[half].id,
            mentor_id=mentors[half], contract_number=f"ДП-{practice.start_date:%y}/{half + 1:02d}",
            contract_date=practice.start_date - timedelta(days=20), order_number=order,
            order_date=practice.order_date, created_by_id=practice.supervisor_id,
            created_at=_at(practice.order_date, 11)))
    db.session.add_all(placements)
    db.session.flush()
    return placements


def _roster(b, group_index: int, day: date) -> list[int]:
    """The students of the group on `day` (not on leave)."""
    by_id = {s.id: s for s in b.students}
    out = []
    for sid in b.rosters[("cur", group_index)]:
        spans = b.memberships[sid]
        if not any(g == group_index and a <= day and (z is None or z >= day)
                   for g, a, z in spans):
            continue
        if by_id[sid].leave_date and by_id[sid].leave_date <= day:
            continue
        out.append(sid)
    return out


def _current(b, journal, period, organisations, mentors) -> int:
    """ПП.01 under way: entries up to yesterday, some reviewed, two students silent."""
    rng = b.rng
    anchor = max(b.today, period.start_date + timedelta(days=14))
    start = anchor - timedelta(days=9)
    start = max(period.start_date, start - timedelta(days=start.weekday()))  # a Monday
    end = min(period.end_date, start + timedelta(days=25))
    days = _working_days(start, end)
    practice = _practice(b, journal, period, start, end, 6 * len(days), "ПП.01",
                         f"{rng.randint(500, 560)}-п")
    students = _roster(b, journal.group, start)
    placements = _place(b, practice, students, organisations, mentors, practice.order_number)
    silent = set(rng.sample(range(len(placements)), min(2, len(placements))))
    written = [d for d in days if d < b.today]
    entries = 0
    for n, placement in enumerate(placements):
        mine = written[:-4] if n in silent else written
        for k, day in enumerate(mine):
            if rng.random() < 0.06:
                continue  # a day the student did not write about
            age = len(written) - k  # working days ago
            status = "confirmed" if age > 2 and rng.random() < 0.85 else "written"
            comment = None
            if status == "written" and age > 1 and rng.random() < 0.25:
                status, comment = "returned", rng.choice(RETURN_COMMENTS)
            entry = PracticeDiaryEntry(
                placement_id=placement.id, entry_date=day, text=WORK[k % len(WORK)],
                hours=rng.choice((6, 6, 7, 8)), status=status, mentor_comment=comment,
                written_at=_at(day, 18))
            if status != "written":
                entry.reviewed_by_id = placement.mentor_id
                entry.reviewed_at = _at(day + timedelta(days=1), 10)
                entry.changes = [PracticeDiaryChange(
                    old_status="written", new_status=status, comment=comment,
                    changed_by_id=placement.mentor_id, changed_at=entry.reviewed_at)]
            db.session.add(entry)
            entries += 1
    db.session.flush()
    return entries


def _finished(b, journal, period, organisations, mentors, before: date) -> int:
    """УП.02 of the autumn, finished: confirmed diaries, attestation sheets, grades."""
    rng = b.rng
    start = period.start_date + timedelta(days=14)
    start -= timedelta(days=start.weekday())
    end = start + timedelta(days=11)
    if end >= before:  # the demo's day is early in the semester: the practice's first days
        end = max(start, before - timedelta(days=3))
    days = _working_days(start, end) or [start]
    practice = _practice(b, journal, period, start, end, 6 * len(days), "УП.02",
                         f"{rng.randint(440, 499)}-п")
    students = _roster(b, journal.group, start)
    placements = _place(b, practice, students, organisations, mentors, practice.order_number)
    by_id = {s.id: s for s in b.students}
    existing = dict(db.session.query(FinalGrade.student_id, FinalGrade.value).filter(
        FinalGrade.journal_id == journal.id, FinalGrade.period_id == period.id,
        FinalGrade.kind == "diff_credit").all())
    graded_on = end + timedelta(days=3)
    grades = 0
    for placement in placements:
        for k, day in enumerate(days):
            db.session.add(PracticeDiaryEntry(
                placement_id=placement.id, entry_date=day, text=WORK[k % len(WORK)], hours=6,
                status="confirmed", written_at=_at(day, 18), reviewed_by_id=placement.mentor_id,
                reviewed_at=_at(day + timedelta(days=1), 10)))
        person = by_id[placement.student_id]
        value = existing.get(placement.student_id)
        if value not in ("2", "3", "4", "5"):
            value = str(min(5, max(3, round(rng.gauss(person.ability, 0.5)))))
        weak = {c.id for c in rng.sample(practice.competencies, 1)} if value in ("2", "3") \
            else set()
        sheet = PracticeAttestation(
            placement_id=placement.id, filled_by_id=placement.mentor_id,
            filled_at=_at(end, 16), updated_at=_at(end, 16),
            characteristic=rng.choice(CHARACTERISTICS).format(
                name=f"{person.last} {person.first}",
                grade=labels.russian(labels.GRADE_WORDS, value)))
        sheet.items = [PracticeAttestationItem(
            competency_id=c.id, mastered=c.id not in weak,
            note="требуется дополнительная практика" if c.id in weak else None)
            for c in practice.competencies]
        db.session.add(sheet)
        if placement.student_id not in existing and graded_on <= b.today:
            grade = FinalGrade(journal_id=journal.id, student_id=placement.student_id,
                               period_id=period.id, kind="diff_credit", value=value,
                               set_by_id=practice.supervisor_id, set_at=_at(graded_on, 12))
            db.session.add(grade)
            db.session.flush()
            db.session.add(FinalGradeChange(final_grade_id=grade.id, old_value="",
                                            new_value=value, changed_by_id=grade.set_by_id,
                                            changed_at=grade.set_at))
        grades += 1
    db.session.flush()
    return grades


def build_practice(builder) -> None:
    b = builder
    group = next((g for g in b.groups if g.prefix == "ИС" and g.course == 3), None)
    if group is None:
        return
    autumn, spring = b.periods[("cur", 1)], b.periods[("cur", 2)]
    current_period = spring if b.today >= spring.start_date else autumn
    pp, up = _journal(b, group.index, "ПП.01"), _journal(b, group.index, "УП.02")
    b.add_users(MENTORS)
    mentors = [b.users["mentor1"], b.users["mentor2"]]
    organisations = [PracticeOrganisation(name=n, address=a, contact=c)
                     for n, a, c in ORGANISATIONS]
    db.session.add_all(organisations)
    db.session.flush()
    entries = _current(b, pp, current_period, organisations, mentors) if pp else 0
    current_start = db.session.query(Practice.start_date).filter(
        Practice.journal_id == pp.id).scalar() if pp else b.today
    sheets = _finished(b, up, autumn, organisations, mentors, current_start) if up else 0
    b.counts.update(practice_entries=entries, practice_sheets=sheets)
