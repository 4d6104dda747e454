"""The rows behind the curators', the deputy's, the families' and IT's figures of the reports
on users' work (6.1, 6.2): each function lists what its figure in staff_work.py or usage.py
counted, with the same conditions."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ....extensions import db
from ....infra import clock
from ....models import (
    BackupRecord, BlockRequest, CellChange, ControlCheck, Discipline, Journal, Memo,
    Parent, Student, StudentGroup, WeeklyCheck, WeeklyReportDelivery,
)
from .. import weekly_checks
from . import staff_work as sw, usage as us
from .drill_lessons import cell_changes, name, user_alias

CHECK_HEADERS = (_l("Группа"), _l("Неделя с"), _l("Срок проверки"), _l("Проверено"),
                 _l("Куратор"), _l("Найдено"))


def _checks(span, person, late_only: bool) -> list[list]:
    curator = user_alias()
    query = select(StudentGroup.name, WeeklyCheck.week_start, WeeklyCheck.checked_at,
                   curator.last_name, curator.first_name, WeeklyCheck.findings).join(
        StudentGroup, StudentGroup.id == WeeklyCheck.group_id).outerjoin(
        curator, curator.id == WeeklyCheck.curator_id).where(
        WeeklyCheck.week_start.between(span.start, span.end)).order_by(
        WeeklyCheck.week_start, StudentGroup.name)
    if person:
        query = query.where(WeeklyCheck.curator_id == person)
    rows = []
    for r in db.session.execute(query):
        due = weekly_checks.due_date(r[1])
        if late_only and clock.local_date(r[2]) <= due:
            continue
        rows.append([r[0], clock.format_date(r[1]), clock.format_date(due),
                     clock.format_moment(r[2]), name(r[3], r[4]), r[5] or ""])
    return rows


def checks_done(span, person):
    return CHECK_HEADERS, _checks(span, person, False)


def checks_late(span, person):
    return CHECK_HEADERS, _checks(span, person, True)


def checks_missing(span, person):
    weeks = sw.due_weeks(span.start, span.end, span.today)
    groups = [g for g in sw.curator_groups() if not person or g[1] == person]
    done = set(map(tuple, db.session.execute(select(WeeklyCheck.group_id,
                                                    WeeklyCheck.week_start).where(
        WeeklyCheck.week_start.between(span.start, span.end))).all()))
    names = dict(db.session.execute(select(StudentGroup.id, StudentGroup.name)).all())
    curators = sw.people({g[1] for g in groups})
    rows = [[names.get(g, ""), clock.format_date(w), clock.format_date(
        weekly_checks.due_date(w)), curators.get(c, {}).get("name", "")]
        for w in weeks for g, c in groups if (g, w) not in done]
    rows.sort(key=lambda r: (r[1][6:] + r[1][3:5] + r[1][:2], r[0]))
    return (_l("Группа"), _l("Неделя с"), _l("Срок проверки"), _l("Куратор")), rows


def reasons(span, person):
    """Changes of an absence's reason made by the group's curator in the span."""
    lo, hi = sw.bounds(span.start, span.end)
    rows = cell_changes([sw.reason_changes(), CellChange.changed_at >= lo,
                         CellChange.changed_at < hi], person)
    rows.sort(key=lambda r: r[0])
    return ((_l("Когда"), _l("Куратор"), _l("Группа"), _l("Дисциплина"), _l("Студент"),
             _l("Занятие"), _l("Было"), _l("Стало")),
            [[clock.format_moment(r[0]), *r[1:]] for r in rows])


def parent_reports(span, person):
    query = select(StudentGroup.name, WeeklyReportDelivery.week_start, Student.last_name,
                   Student.first_name, WeeklyReportDelivery.recipient_email,
                   WeeklyReportDelivery.sent_at).join(
        Student, Student.id == WeeklyReportDelivery.student_id).join(
        StudentGroup, StudentGroup.id == Student.group_id).where(
        WeeklyReportDelivery.status == "sent",
        WeeklyReportDelivery.week_start.between(span.start, span.end)).order_by(
        WeeklyReportDelivery.week_start, StudentGroup.name, Student.last_name)
    if person:
        query = query.where(StudentGroup.curator_id == person)
    return ((_l("Группа"), _l("Неделя с"), _l("Студент"), _l("Кому"), _l("Отправлено")),
            [[r[0], clock.format_date(r[1]), name(r[2], r[3]), r[4], clock.format_moment(r[5])]
             for r in db.session.execute(query)])


def memos(span, person):
    curator = user_alias()
    query = select(StudentGroup.name, Memo.week_start, curator.last_name, curator.first_name,
                   Memo.created_at, Memo.status, Memo.deputy_note).join(
        StudentGroup, StudentGroup.id == Memo.group_id).outerjoin(
        curator, curator.id == Memo.curator_id).where(
        Memo.week_start.between(span.start, span.end)).order_by(Memo.week_start,
                                                                StudentGroup.name)
    if person:
        query = query.where(Memo.curator_id == person)
    states = {"sent": _l("отправлена"), "received": _l("получена"), "acted": _l("приняты меры")}
    return ((_l("Группа"), _l("Неделя с"), _l("Куратор"), _l("Отправлена"), _l("Состояние"),
             _l("Ответ заместителя")),
            [[r[0], clock.format_date(r[1]), name(r[2], r[3]), clock.format_moment(r[4]),
              states.get(r[5], r[5]), r[6] or ""] for r in db.session.execute(query)])


def _controls(span, person, open_only: bool):
    inspector, teacher = user_alias(), user_alias()
    query = select(ControlCheck.check_date, inspector.last_name, inspector.first_name,
                   StudentGroup.name, Discipline.name, teacher.last_name, teacher.first_name,
                   ControlCheck.findings, ControlCheck.fix_deadline, ControlCheck.fixed).join(
        Journal, Journal.id == ControlCheck.journal_id).join(
        StudentGroup, StudentGroup.id == Journal.group_id).join(
        Discipline, Discipline.id == Journal.discipline_id).outerjoin(
        teacher, teacher.id == Journal.teacher_id).outerjoin(
        inspector, inspector.id == ControlCheck.inspector_id).where(
        ControlCheck.check_date.between(span.start, span.end)).order_by(
        ControlCheck.check_date, StudentGroup.name)
    if person:
        query = query.where(ControlCheck.inspector_id == person)
    rows = []
    for r in db.session.execute(query):
        remark = bool((r[7] or "").strip())
        if open_only and (not remark or r[9]):
            continue
        state = "" if not remark else _l("устранено") if r[9] else (
            _l("срок истёк") if r[8] is not None and r[8] < span.today else _l("в работе"))
        rows.append([clock.format_date(r[0]), name(r[1], r[2]), r[3], r[4], name(r[5], r[6]),
                     r[7] or "", clock.format_date(r[8]), state])
    return ((_l("Дата проверки"), _l("Проверил"), _l("Группа"), _l("Дисциплина"),
             _l("Преподаватель"), _l("Замечания"),
             _l("Срок устранения"), _l("Исполнение")), rows)


def controls(span, person):
    return _controls(span, person, False)


def remarks_open(span, person):
    return _controls(span, person, True)


def family(span, person, group=None):
    """Each studying student of the group and each of their parents, with their logins in the
    span: the rows behind the share who logged in."""
    students, parents = us.members(group)
    seen = us.logins(span.start, span.end)
    groups = dict(db.session.execute(select(StudentGroup.id, StudentGroup.name)).all())
    student_names = {r[0]: name(r[1], r[2]) for r in db.session.execute(select(
        Student.id, Student.last_name, Student.first_name).where(
        Student.id.in_({s[1] for s in students} or {0})))}
    parent_names = {r[0]: name(r[1], r[2]) for r in db.session.execute(select(
        Parent.id, Parent.last_name, Parent.first_name).where(
        Parent.id.in_({p[1] for p in parents} or {0})))}
    rows = []
    for kind, people, names in ((_l("студент"), students, student_names),
                                (_l("родитель"), parents, parent_names)):
        for group_id, pid, uid in people:
            moments = seen.get(uid, []) if uid else []
            rows.append([groups.get(group_id, ""), kind, names.get(pid, ""),
                         _l("есть") if uid else _l("нет"), len(moments),
                         clock.format_moment(max(moments)) if moments else ""])
    rows.sort(key=lambda r: (r[0], r[1] != _l("студент"), r[2]))
    return (_l("Группа"), _l("Кто"), _l("ФИО"), _l("Учётная запись"), _l("Входов"),
            _l("Последний вход")), rows


def backups(span, person):
    lo, hi = sw.bounds(span.start, span.end)
    query = select(BackupRecord.created_at, BackupRecord.size_bytes, BackupRecord.verified,
                   BackupRecord.removed).where(
        BackupRecord.created_at >= lo, BackupRecord.created_at < hi).order_by(
        BackupRecord.created_at)
    return ((_l("Создана"), _l("Размер, МБ"), _l("Проверена восстановлением"),
             _l("Удалена по сроку")),
            [[clock.format_moment(r[0]), round((r[1] or 0) / 1048576, 1),
              _l("да") if r[2] else _l("нет"),
                  _l("да") if r[3] else ""] for r in db.session.execute(query)])


def block_requests(span, person):
    lo, hi = sw.bounds(span.start, span.end)
    account, decider = user_alias(), user_alias()
    query = select(BlockRequest.requested_at, account.username, BlockRequest.action,
                   BlockRequest.status, BlockRequest.decided_at, decider.last_name,
                   decider.first_name).outerjoin(account, account.id == BlockRequest.user_id) \
        .outerjoin(decider, decider.id == BlockRequest.decided_by_id).where(
        BlockRequest.requested_at >= lo, BlockRequest.requested_at < hi).order_by(
        BlockRequest.requested_at)
    if person:
        query = query.where(BlockRequest.decided_by_id == person)
    actions = {"block": _l("заблокировать"), "unblock": _l("разблокировать")}
    states = {"pending": _l("ожидает"), "confirmed": _l("выполнена"), "rejected": _l("отклонена")}
    rows = []
    for r in db.session.execute(query):
        hours = round((r[4] - r[0]).total_seconds() / 3600, 1) if r[4] and r[3] != "pending" \
            else ""
        rows.append([clock.format_moment(r[0]), r[1] or "", actions.get(r[2], r[2]),
                     states.get(r[3], r[3]), clock.format_moment(r[4]), name(r[5], r[6]), hours])
    return ((_l("Подана"), _l("Учётная запись"), _l("Что сделать"), _l("Состояние"),
             _l("Решение"), _l("Кто решил"),
             _l("Часов до решения")), rows)
