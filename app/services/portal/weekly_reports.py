"""Weekly report to parents (3.3, 5.2): per student of a group and week — marks, absences
with reasons, homework, remarks; shown as a page, printed, and e-mailed to each parent.
Sending is idempotent per student, week and address (WeeklyReportDelivery)."""
from collections import defaultdict
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from ... import labels
from ...errors import BadInput
from ...extensions import db
from ...infra.clock import now, today
from ...infra.mailer import MailError, MailServerDown, send_mail
from ...models import (
    Journal, JournalCell, Lesson, Parent, Student, StudentGroup, StudentParent, SubgroupMember,
    WeeklyReportDelivery,
)
from ...models.journal import UNEXCUSED_REASONS
from ...security.access import SEES_ALL_JOURNALS
from ..journal import forecast, progress
from ..journal.timetable import week_end as study_week_end
from ..records import audit
from ..scopes import current_curated_group_ids, curates_now, parent_child_denial, role_names
from . import behaviour


class WeeklyReportError(BadInput):
    """A weekly report refused: its week or its group (3.3)."""


class WeeklyReportDenied(WeeklyReportError):
    status = 403


def parse_week(text) -> date:
    """The Monday of the week containing a dd.mm.yyyy or ISO date; empty = last week."""
    text = (text or "").strip()
    if not text:
        day = today() - timedelta(days=7)
    else:
        try:
            day = (datetime.strptime(text, "%d.%m.%Y").date() if "." in text
                   else date.fromisoformat(text))
        except ValueError:
            raise WeeklyReportError(
                _("Неверная дата недели: укажите ДД.ММ.ГГГГ (например, 13.10.2025).")) from None
    return day - timedelta(days=day.weekday())


def groups_for(user) -> list[StudentGroup]:
    """The groups of the weekly reports' page: those the curator curates now; every active
    group for the administration."""
    condition = (StudentGroup.status == "active" if role_names(user) & SEES_ALL_JOURNALS
                 else StudentGroup.id.in_(current_curated_group_ids(user)))
    return db.session.scalars(select(StudentGroup).where(condition)
                              .order_by(StudentGroup.name)).all()


def group_for(user, group_id=None, name=None) -> StudentGroup:
    """The group whose reports `user` may see: its curator now (scopes.curates_now) or the
    administration (user None = the scheduler's command)."""
    group = None
    if name is not None:
        group = db.session.scalar(select(StudentGroup).where(StudentGroup.name == name.strip()))
    else:
        try:
            group = db.session.get(StudentGroup, int(group_id))
        except (TypeError, ValueError):
            group = None
    if group is None:
        raise WeeklyReportError(_("Группа не найдена."))
    if user is not None and not (role_names(user) & SEES_ALL_JOURNALS
                                 or curates_now(user, group)):
        raise WeeklyReportDenied(_("Еженедельные отчёты группы доступны её куратору "
                                   "и администрации."))
    return group


def build(group: StudentGroup, week_start: date) -> list[dict]:
    """One report per student of the group (a fixed number of queries for the whole group)."""
    week_end = study_week_end(week_start)
    students = db.session.scalars(
        select(Student).where(Student.group_id == group.id,
                              Student.status.in_(("studying", "academic_leave")))
        .options(selectinload(Student.parent_links).joinedload(StudentParent.parent))
        .order_by(Student.last_name, Student.first_name)).all()
    ids = [s.id for s in students]
    subgroups = defaultdict(set)
    for member in db.session.execute(select(SubgroupMember.student_id, SubgroupMember.subgroup_id)
                                     .where(SubgroupMember.student_id.in_(ids or [0]))):
        subgroups[member.student_id].add(member.subgroup_id)
    lessons = db.session.scalars(
        select(Lesson).join(Journal).where(Journal.group_id == group.id,
                                           Lesson.lesson_date.between(week_start, week_end))
        .options(joinedload(Lesson.journal).joinedload(Journal.discipline))
        .order_by(Lesson.lesson_date, Lesson.pair_number)).all()
    cells = {(c.lesson_id, c.student_id): c for c in db.session.scalars(
        select(JournalCell).where(JournalCell.lesson_id.in_([ls.id for ls in lessons] or [0]),
                                  JournalCell.student_id.in_(ids or [0]))
        .options(selectinload(JournalCell.marks)))}
    notes = behaviour.week_notes(ids, week_start, week_end)  # 3.3, 5.2: behaviour notes
    risks = forecast.group_risks(group.id, week_end)  # the forecast before the session
    reports = []
    for student in students:
        marks, absences, homework = [], [], []
        for lesson in lessons:
            sub = lesson.journal.subgroup_id
            if sub is not None and sub not in subgroups[student.id]:
                continue
            discipline = str(lesson.journal.discipline)
            if lesson.homework and lesson.homework.strip():
                homework.append({"date": lesson.lesson_date, "discipline": discipline,
                                 "text": lesson.homework,
                                 "kind": labels.homework_kind(lesson.homework_kind)})
            cell = cells.get((lesson.id, student.id))
            if cell is None:
                continue
            if cell.marks:
                marks.append({"date": lesson.lesson_date, "discipline": discipline,
                              "marks": [m.value for m in cell.marks],
                              "kinds": [m.work_kind for m in cell.marks]})
            if cell.absent:
                absences.append({"date": lesson.lesson_date, "discipline": discipline,
                                 "reason": labels.text(labels.ABSENCE_REASONS, cell.absence_reason)
                                 or "причина не указана",
                                 "unexcused": (cell.absence_reason or "") in UNEXCUSED_REASONS})
        risk = [forecast.risk_sentence(r["discipline"], r["reasons"])
                for r in risks.get(student.id, [])]
        reports.append({"student": student, "week_start": week_start, "week_end": week_end,
                        "marks": marks, "absences": absences, "homework": homework,
                        "risks": risk,
                        "remarks": _remarks(marks, absences)
                        + [r[:1].upper() + r[1:] + "." for r in risk],
                        "conduct": [{"date": n.note_date, "text": n.text,
                                     "author": f"{n.author.last_name} {n.author.first_name}"}
                                    for n in notes.get(student.id, [])],
                        "summary": summary(marks, absences)})
        reports[-1]["no_recipient"] = recipients(reports[-1])[1]  # why no e-mail goes out
    return reports


def summary(marks, absences) -> dict:
    """The student's line of the report's summary table: marks and their weighted average
    (progress.weighted_average: 2–5 only, зач/незач are counted, not averaged), absences with
    a good reason and without one."""
    values = [v for m in marks for v in m["marks"]]
    pairs = [pair for m in marks for pair in zip(m["marks"], m.get("kinds") or
                                                 ["current"] * len(m["marks"]))]
    unexcused = sum(1 for a in absences if a["unexcused"])
    return {"marks": len(values),
            "average": progress.weighted_average(pairs),
            "average_hint": progress.weights_hint(),
            "failing": sum(1 for v in values if v in ("2", "незач")),
            "absences": len(absences), "excused": len(absences) - unexcused,
            "unexcused": unexcused}


def _remarks(marks, absences) -> list[str]:
    remarks = []
    failing = [f"{m['discipline']} ({m['date']:%d.%m.%Y})" for m in marks
               if {"2", "незач"} & set(m["marks"])]
    if failing:
        remarks.append("Неудовлетворительные оценки: " + "; ".join(failing) + ".")
    unexcused = sum(1 for a in absences if a["unexcused"])
    if unexcused:
        remarks.append(f"Пропуски без уважительной причины: {unexcused}.")
    if not marks and not absences:
        remarks.append("За неделю нет отметок и пропусков.")
    return remarks


def subject(report: dict, group: StudentGroup) -> str:
    return (f"Еженедельный отчёт: {report['student'].short_name}, группа {group.name}, "
            f"{report['week_start']:%d.%m.%Y}–{report['week_end']:%d.%m.%Y}")


def text_body(report: dict, group: StudentGroup) -> str:
    s = report["student"]
    lines = ["Здравствуйте!", "",
             f"Еженедельный отчёт об успеваемости и посещаемости: {s.full_name}, группа "
             f"{group.name}, неделя {report['week_start']:%d.%m.%Y}–"
             f"{report['week_end']:%d.%m.%Y}.", "", "Оценки:"]
    lines += [f"  {m['date']:%d.%m.%Y} {m['discipline']}: {', '.join(m['marks'])}"
              for m in report["marks"]] or ["  нет"]
    lines += ["", "Пропуски:"]
    lines += [f"  {a['date']:%d.%m.%Y} {a['discipline']}: {a['reason']}"
              for a in report["absences"]] or ["  нет"]
    lines += ["", "Домашние задания:"]
    lines += [f"  {h['date']:%d.%m.%Y} {h['discipline']}: {h['text']}"
              + (f" ({h['kind']})" if h["kind"] else "") for h in report["homework"]] or ["  нет"]
    lines += ["", "Замечания:"] + [f"  {r}" for r in report["remarks"]]
    lines += ["", "О поведении:"]
    lines += [f"  {n['date']:%d.%m.%Y} {n['text']} ({n['author']})"
              for n in report["conduct"]] or ["  замечаний нет"]
    lines += ["", "Куратор группы: " + (f"{group.curator.last_name} {group.curator.first_name}"
                                        if group.curator else "не назначен"),
              "Письмо сформировано электронным журналом техникума."]
    return "\n".join(lines)


def recipients(report: dict) -> tuple[list[tuple[Parent, str]], str | None]:
    """Parents with an address; none once the student is an adult or has left (5.2)."""
    reason = parent_child_denial(report["student"])
    if reason is not None:
        return [], ("обучающийся совершеннолетний" if reason == "adult"
                    else "обучающийся выбыл")
    found = [(link.parent, link.parent.email.strip()) for link in report["student"].parent_links
             if link.parent.email and link.parent.email.strip()]
    return found, None if found else "нет адреса эл. почты родителя"


STALE_CLAIM = timedelta(minutes=15)  # a deliverer that died mid-way: its rows are taken again


def queue(group: StudentGroup, week_start: date, user=None) -> dict:
    """Queue the week's e-mails in the database (3.3): one row per student and address in
    state «waiting»; already sent ones are skipped and a failed one is queued again. Nothing
    is sent here, so the curator's page never waits for the mail server."""
    result = {"queued": [], "skipped": [], "no_recipient": []}
    reports = build(group, week_start)
    done = {(d.student_id, d.recipient_email): d for d in db.session.scalars(
        select(WeeklyReportDelivery).where(
            WeeklyReportDelivery.week_start == week_start,
            WeeklyReportDelivery.student_id.in_([r["student"].id for r in reports] or [0])))}
    for report in reports:
        student = report["student"]
        addresses, why_none = recipients(report)
        if why_none:
            result["no_recipient"].append((student.full_name, why_none))
        for _parent, email in addresses:
            delivery = done.get((student.id, email))
            if delivery is not None and delivery.status == "sent":
                result["skipped"].append((student.full_name, email))
                continue
            if delivery is None:
                delivery = WeeklyReportDelivery(student_id=student.id, week_start=week_start,
                                                recipient_email=email, status="waiting")
                db.session.add(delivery)
                done[(student.id, email)] = delivery
            elif delivery.status == "failed":
                delivery.status, delivery.error = "waiting", None
                delivery.attempts, delivery.next_attempt_at = 0, None
            result["queued"].append(delivery)
    db.session.flush()
    audit.record("weekly_reports_send", "group", group.id, user=user,
                 details={"week_start": week_start.isoformat(), "queued": len(result["queued"]),
                          "skipped": len(result["skipped"])})
    return result


def retry(user, delivery_id) -> WeeklyReportDelivery:
    """Queue one failed e-mail again (the curator's «Повторить»)."""
    try:
        delivery = db.session.get(WeeklyReportDelivery, int(delivery_id))
    except (TypeError, ValueError):
        delivery = None
    if delivery is None:
        raise WeeklyReportError(_("Письмо не найдено."))
    group_for(user, delivery.student.group_id)
    if delivery.status != "failed":
        raise WeeklyReportError(_("Это письмо уже отправлено или ждёт отправки."))
    delivery.status, delivery.error = "waiting", None
    delivery.attempts, delivery.next_attempt_at = 0, None
    audit.record("weekly_reports_send", "group", delivery.student.group_id, user=user,
                 details={"week_start": delivery.week_start.isoformat(), "retry": 1,
                          "student": delivery.student_id, "email": delivery.recipient_email})
    return delivery


def _ready(moment):
    """A waiting e-mail whose next attempt is due (a temporary failure waits its backoff)."""
    return and_(WeeklyReportDelivery.status == "waiting",
                or_(WeeklyReportDelivery.next_attempt_at.is_(None),
                    WeeklyReportDelivery.next_attempt_at <= moment))


def _claim(delivery_id: int) -> bool:
    """Take a queued e-mail for sending; one UPDATE, so two deliverers never send it twice."""
    moment = now()
    taken = db.session.execute(update(WeeklyReportDelivery).where(
        WeeklyReportDelivery.id == delivery_id,
        or_(_ready(moment),
            and_(WeeklyReportDelivery.status == "sending",
                 WeeklyReportDelivery.attempted_at < moment - STALE_CLAIM)))
        .values(status="sending", attempted_at=moment)
        # the database decides; loaded rows are not matched in Python (naive SQLite times)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return taken == 1


def deliver(ids=None) -> dict:
    """Send queued e-mails (all, or the given ids): each is claimed, sent and committed on its
    own, so a failure never undoes a sent one. Run by the job worker (app/jobs: at once after
    the page queued them, and its sweep of the queue every minute) and by `flask journal
    deliver-mail`. A temporary failure (server down, 4xx) waits MAIL_RETRY_SECONDS, doubled at
    each attempt, up to MAIL_ATTEMPTS attempts; a refusal (5xx) is final at once. Once the
    server does not answer at all, the rest of the run is not tried against it again."""
    result = {"sent": [], "failed": []}
    moment = now()
    query = select(WeeklyReportDelivery.id).where(or_(
        _ready(moment), and_(WeeklyReportDelivery.status == "sending",
                             WeeklyReportDelivery.attempted_at < moment - STALE_CLAIM)))
    if ids is not None:
        query = query.where(WeeklyReportDelivery.id.in_(list(ids) or [0]))
    built, down = {}, None
    for delivery_id in db.session.scalars(query.order_by(WeeklyReportDelivery.id)).all():
        if not _claim(delivery_id):
            continue
        delivery = db.session.get(WeeklyReportDelivery, delivery_id)
        group = delivery.student.group
        key = (group.id, delivery.week_start)
        if key not in built:
            built[key] = {r["student"].id: r for r in build(group, delivery.week_start)}
        report = built[key].get(delivery.student_id)
        name = delivery.student.full_name
        try:
            if down is not None:  # the server did not answer: the rest waits for a retry
                raise MailError(down)
            if report is None:
                raise MailError(_("обучающийся больше не числится в группе"))
            title, body = subject(report, group), text_body(report, group)
            send_mail(delivery.recipient_email, title, body)
            delivery.status, delivery.error, delivery.next_attempt_at = "sent", None, None
            delivery.subject, delivery.body = title, body  # what the family reads in the portal
            delivery.attempts = (delivery.attempts or 0) + 1
            result["sent"].append((name, delivery.recipient_email))
        except MailError as exc:
            if isinstance(exc, MailServerDown):
                down = str(exc)
            _failed(delivery, exc)
            result["failed"].append((name, delivery.recipient_email, str(exc)))
        delivery.attempted_at = now()
        db.session.commit()
    return result


def _failed(delivery: WeeklyReportDelivery, exc: MailError) -> None:
    """A temporary failure is queued again after a backoff while attempts remain; the
    server's answer stays on the row for the curator to read."""
    delivery.attempts = (delivery.attempts or 0) + 1
    delivery.error = str(exc)
    limit = int(current_app.config.get("MAIL_ATTEMPTS", 5))
    if exc.temporary and delivery.attempts < limit:
        pause = int(current_app.config.get("MAIL_RETRY_SECONDS", 60))
        delivery.status = "waiting"
        delivery.next_attempt_at = now() + timedelta(
            seconds=pause * 2 ** (delivery.attempts - 1))
    else:
        delivery.status, delivery.next_attempt_at = "failed", None


def send(group: StudentGroup, week_start: date, user=None) -> dict:
    """Queue and deliver at once (the scheduler's command waits for the answers)."""
    queued = queue(group, week_start, user)
    db.session.commit()
    sent = deliver([d.id for d in queued["queued"]])
    return {"sent": sent["sent"], "failed": sent["failed"], "skipped": queued["skipped"],
            "no_recipient": queued["no_recipient"]}


def deliveries(group: StudentGroup, week_start: date) -> dict[int, list[WeeklyReportDelivery]]:
    rows = db.session.scalars(select(WeeklyReportDelivery).join(Student).where(
        Student.group_id == group.id, WeeklyReportDelivery.week_start == week_start)
        .order_by(WeeklyReportDelivery.id)).all()
    found = defaultdict(list)
    for row in rows:
        found[row.student_id].append(row)
    return found


def delivery_state(found: dict[int, list[WeeklyReportDelivery]]) -> dict:
    """The week's mailing at a glance: counts per state and one message when some e-mails
    could not be delivered (the servers' answers stay in each row's details)."""
    rows = [d for items in found.values() for d in items]
    counts = {state: sum(1 for d in rows if d.status == state)
              for state in ("sent", "failed")}
    counts["waiting"] = sum(1 for d in rows if d.status in ("waiting", "sending"))
    message = None
    if counts["failed"]:
        message = _("Не доставлено писем: %(n)s. Почтовый сервер техникума не принял их или "
                    "недоступен. Нажмите «Повторить» позже; если ошибка остаётся, сообщите "
                    "в отдел ИТ.", n=counts["failed"])
    return {"counts": counts, "message": message, "total": len(rows)}
