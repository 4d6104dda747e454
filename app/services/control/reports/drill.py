"""Every figure of the reports on users' work (6.1, 6.2) explained, and the rows behind it:
the note the page prints under the figure's headline and the list its drill-down link opens,
paged. The figures are computed in council.py, staff_work.py and usage.py; the lists in
drill_lessons.py and drill_people.py with the same conditions."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _, lazy_gettext as _l

from ....errors import NotFound, Refused
from ....models import Period
from . import council as cr, drill_lessons as dl, drill_people as dp, staff_work

PAGE_SIZE = 50


@dataclass
class Span:
    start: date
    end: date
    today: date
    periods: list[Period] = field(default_factory=list)


# figure → (headline, what it counts, the list's function)
FIGURES = {
    "late": (_l("Записано с опозданием"), _l(
        "Занятия периода, внесённые в журнал позже дня их проведения (п. 4.6)."), dl.late),
    "missing": (_l("Не записано по расписанию"), _l(
        "Пары расписания (с учётом замен), день которых прошёл, а занятия этой даты и пары в "
        "журнале нет; считаются за тем, кто должен был провести пару."), dl.missing),
    "no_topic": (_l("Без темы"), _l(
        "Занятия, у которых не указана ни тема рабочей программы, ни своя тема."), dl.no_topic),
    "no_homework": (_l("Без домашнего задания"), _l(
        "Занятия, у которых не записано домашнее задание и не выбран его вид."), dl.no_homework),
    "no_attendance": (_l("Без посещаемости"), _l(
        "Занятия, на которых посещаемость не отмечена (п. 4.5)."), dl.no_attendance),
    "grades_late": (_l("Итоговые оценки после срока"), _l(
        "Итоговые оценки периода, впервые выставленные после срока выставления, "
        "установленного для периода (п. 4.7)."), dl.grades_late),
    "corrections": (_l("Исправлений после срока"), _l(
        "Изменения отметок и пропусков занятий периода, сделанные после дня занятия (п. 1.6), "
        "и изменения итоговых оценок периода после срока выставления (п. 4.7) — кем бы они ни "
        "были сделаны и когда бы ни сделаны."), dl.corrections),
    "entered_late": (_l("Занятия внесены с опозданием"), _l(
        "Занятия, внесённые за выбранные дни позже дня их проведения (п. 4.6)."),
        dl.entered_late),
    "changed_after": (_l("Исправления задним числом"), _l(
        "Изменения отметок и пропусков, сделанные за выбранные дни позже дня занятия "
        "(п. 1.6): первая составляющая достоверности."), dl.changed_after),
    "upheld": (_l("Обоснованные обращения об ошибке в оценке"), _l(
        "Обращения студентов и родителей о неверной отметке, на которые преподаватель ответил "
        "«исправлено» за выбранные дни: вторая составляющая достоверности."), dl.upheld),
    "logins": (_l("Входы"), _l("Входы пользователя в журнал по журналу аудита (п. 4.1)."),
               dl.staff_logins),
    "checks_done": (_l("Еженедельные проверки проведены"), _l(
        "Проверки недель, начавшихся в периоде, отмеченные кураторами (п. 3.3)."),
        dp.checks_done),
    "checks_late": (_l("Еженедельные проверки с опозданием"), _l(
        "Проверки, отмеченные позже срока проверки недели (п. 3.3)."), dp.checks_late),
    "checks_missing": (_l("Еженедельные проверки не проведены"), _l(
        "Недели, срок проверки которых прошёл, а куратор активной группы проверку не "
        "отметил (п. 3.3)."), dp.checks_missing),
    "reasons": (_l("Причины пропусков исправлены"), _l(
        "Изменения причины пропуска («Н» остаётся), сделанные куратором группы (п. 3.3, 5.2)."),
        dp.reasons),
    "parent_reports": (_l("Еженедельные отчёты родителям"), _l(
        "Еженедельные отчёты (студент × неделя), отправленные хотя бы одному родителю "
        "(п. 3.3, 5.2)."), dp.parent_reports),
    "memos": (_l("Служебные записки"), _l(
        "Служебные записки кураторов заместителю директора за недели периода (п. 3.4)."),
        dp.memos),
    "controls": (_l("Проверки журналов"), _l(
        "Проверки журналов заместителем директора по учебной работе, записанные в периоде "
        "(п. 3.5, 7.2)."), dp.controls),
    "remarks_open": (_l("Замечания не устранены"), _l(
        "Проверки с замечаниями, которые ещё не отмечены устранёнными; «срок истёк» — срок "
        "устранения прошёл (п. 3.5)."), dp.remarks_open),
    "family": (_l("Входы студентов и родителей"), _l(
        "Обучающиеся студенты группы и их родители с числом входов в журнал за период: доля "
        "входивших — те, у кого хотя бы один вход (п. 2.2, 4.1)."), dp.family),
    "backups": (_l("Резервные копии"), _l(
        "Резервные копии, созданные в периоде, и проверены ли они пробным восстановлением "
        "(п. 7.1)."), dp.backups),
    "block_requests": (_l("Запросы на блокировку"), _l(
        "Запросы на блокировку и разблокировку учётных записей после приказов о движении "
        "контингента, поданные в периоде, и часы от подачи до решения отдела ИТ (п. 5.2)."),
        dp.block_requests),
}


def span_of(period_id: int | None, year_id: int | None, start: date | None,
            end: date | None, today: date) -> Span:
    """The report's span: a semester or a year (the council's report), or days (activity)."""
    if start is not None or end is not None:
        if start is None or end is None:
            raise Refused(_("Укажите период: дату начала и окончания."))
        if end < start:
            raise Refused(_("Дата окончания раньше даты начала."))
        return Span(start, end, today)
    _title, periods = cr.scope(None if year_id else period_id, year_id)
    return Span(min(p.start_date for p in periods), max(p.end_date for p in periods), today,
                periods)


def notes() -> dict:
    """figure → (headline, note) for the pages."""
    return {key: (title, note) for key, (title, note, _f) in FIGURES.items()}


def month_span(span: Span, month: str | None) -> Span:
    """The span narrowed to one month («2025-10»), for the per-month figures."""
    if not month:
        return span
    try:
        year, number = (int(x) for x in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise Refused(_("Месяц указан неверно.")) from None
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = max(span.start, first), min(span.end, last)
    if end < start:
        raise Refused(_("Месяц вне выбранного периода."))
    return Span(start, end, span.today, span.periods)


def rows(figure: str, span: Span, person: int | None = None, group: int | None = None,
         month: str | None = None, page: int = 1) -> dict:
    """The figure's rows for the span (one person's or one group's when given), one page."""
    if figure not in FIGURES:
        raise NotFound(_("Такого показателя в отчёте нет."))
    title, note, function = FIGURES[figure]
    span = month_span(span, month)
    headers, found = function(span, person, group) if figure == "family" else \
        function(span, person)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(1, page or 1), pages)
    return dict(figure=figure, title=title, note=note, headers=headers, total=len(found),
                rows=found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], page=page, pages=pages,
                start=span.start, end=span.end)


def person_name(user_id: int | None) -> str:
    return staff_work.people({user_id}).get(user_id, {}).get("name", "") if user_id else ""
