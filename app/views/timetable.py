"""Timetable screens (расписание): weekly entries, single-date changes, XLSX import; a
teacher's pairs of the day on the start page."""
from datetime import date, datetime, timedelta

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from ..errors import Forbidden, Refused
from ..exports.import_templates import timetable_template
from ..extensions import db
from ..infra.clock import today
from ..models import Journal, Period, StudentGroup, TimetableChange, TimetableEntry
from ..services.journal import teacher_week as tt_teacher
from ..services.journal import timetable as tt
from ..services.journal.bells import pair_times
from ..services.scopes import group_filter
from ..web_errors import refusal_back, refusal_form
from .base import EagerInterface, JournalModelView, RecordRefused, xlsx_response

LABELS = {"period": _("Семестр"), "group": _("Группа"), "weekday": _("День недели"),
          "pair_number": _("Пара"), "journal": _("Журнал"), "room": _("Аудитория"),
          "change_date": _("Дата"), "cancelled": _("Отменена")}


def parse_day(value, default: date | None = None) -> date | None:
    """dd.mm.yyyy or ISO date from a form; None (or the default) when empty or malformed."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return default


def _study_days() -> list[SelectChoice]:
    return [SelectChoice(i, tt.WEEKDAYS[i]) for i in range(tt.week_days())]


class TimetableEntryView(JournalModelView):
    datamodel = EagerInterface(TimetableEntry, eager=(
        "period.academic_year", "group", "journal.discipline", "journal.subgroup",
        "journal.group"))
    label_columns = LABELS
    list_title = show_title = _("Расписание: пары недели")
    add_title = _("Новая пара в расписании")
    edit_title = _("Пара в расписании")
    list_columns = ["period", "group", "weekday", "pair_number", "journal", "room"]
    add_columns = edit_columns = ["period", "group", "weekday", "pair_number", "journal", "room"]
    search_columns = ["period", "group", "weekday"]
    base_order = ("weekday", "asc")
    choices = {"weekday": dict(enumerate(tt.WEEKDAYS))}
    validators_columns = {"pair_number": [NumberRange(1, 8, message=_("Пара: от 1 до 8."))]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form in (self.add_form_extra_fields, self.edit_form_extra_fields):
            # the days of the study week (STUDY_WEEK_DAYS), read each time the form opens
            form["weekday"].kwargs.update(choices=_study_days, coerce=int)

    def validate(self, item):
        if item.weekday is not None and item.weekday >= tt.week_days():
            raise RecordRefused(str(_("Воскресенье не входит в учебную неделю колледжа.")))
        if item.journal and item.group and item.journal.group_id != item.group.id:
            raise RecordRefused(str(_("Журнал относится к другой группе.")))
        if item.journal and item.period and \
                item.journal.academic_year_id != item.period.academic_year_id:
            raise RecordRefused(str(_("Журнал другого учебного года.")))


class TimetableChangeView(JournalModelView):
    """Single-date changes: listed and deleted here, added on the week page (one rule set)."""
    datamodel = EagerInterface(TimetableChange, eager=("group", "journal.discipline",
                                                       "journal.subgroup", "journal.group"))
    label_columns = LABELS
    list_title = show_title = _("Изменения расписания")
    list_columns = ["change_date", "group", "pair_number", "journal", "cancelled", "room"]
    search_columns = ["change_date", "group"]
    base_order = ("change_date", "desc")
    base_permissions = ["can_list", "can_show", "can_delete"]


def _changed_week() -> str:
    """The week a timetable change was entered for: its group and date, as the form gave."""
    group = db.session.get(StudentGroup, request.form.get("group", type=int) or 0)
    day = parse_day(request.form.get("date"))
    return url_for("TimetableView.week", group=group.id if group else None,
                   week=(day or today()).isoformat())


class TimetableView(BaseView):
    route_base = "/timetable"
    default_view = "week"

    @expose("/")
    @has_access
    def week(self):
        if "group" not in request.args and tt_teacher.opens_on_own_week(current_user):
            # a teacher's timetable opens on their own week (a group's is one choice away)
            return redirect(url_for("TimetableView.mine", week=request.args.get("week")))
        groups = db.session.scalars(select(StudentGroup).where(group_filter(current_user))
                                    .order_by(StudentGroup.name)).all()
        wanted = request.args.get("group", type=int)
        group = next((g for g in groups if g.id == wanted), groups[0] if groups else None)
        if wanted and (group is None or group.id != wanted):
            raise Forbidden(str(_("Эта группа вам недоступна.")))
        monday = tt.week_start(parse_day(request.args.get("week"), today()))
        pairs = tt.week_grid(group.id, monday) if group else []
        days = [monday + timedelta(days=i) for i in range(tt.week_days())]
        journals = db.session.scalars(select(Journal).where(
            Journal.group_id == group.id)).all() if group else []
        periods = db.session.scalars(select(Period).order_by(Period.start_date.desc())).all()
        return self.render_template(
            "timetable/week.html", groups=groups, group=group, monday=monday, days=days,
            pairs=pairs, journals=journals, periods=periods,
            pair_times=pair_times(),
            teachers=tt.active_teachers() if group else [],
            prev_week=monday - timedelta(days=7), next_week=monday + timedelta(days=7),
            # Teachers, curators and IT only read the week: no form or button that would
            # answer them «Доступ запрещён».
            may_change=self.appbuilder.sm.has_access("can_change", self.class_permission_name),
            may_upload=self.appbuilder.sm.has_access("can_upload", self.class_permission_name),
            title=_("Расписание"))

    @expose("/mine")
    @has_access
    @permission_name("week")
    def mine(self):
        """4.4: the teacher's own week with the substitutions given and received."""
        data = tt_teacher.teacher_week(current_user, parse_day(request.args.get("week"),
                                                               today()))
        return self.render_template("timetable/mine.html", data=data, today=today(),
                                    title=_("Моё расписание"))

    @expose("/change", methods=["POST"])
    @has_access
    @refusal_back(_changed_week)
    def change(self):
        group = db.session.get(StudentGroup, request.form.get("group", type=int) or 0)
        day = parse_day(request.form.get("date"))
        journal_id = request.form.get("journal", type=int)
        journal = db.session.get(Journal, journal_id) if journal_id else None
        substitute_id = request.form.get("substitute", type=int)
        substitute = next((t for t in tt.active_teachers() if t.id == substitute_id), None)
        if group is None or day is None:
            raise Refused(str(_("Укажите группу и дату.")))
        if substitute_id and substitute is None:
            raise Refused(str(_("Заменяющий преподаватель не найден.")))
        tt.add_change(group, day, request.form.get("pair", type=int) or 0, journal,
                      bool(request.form.get("cancelled")), request.form.get("room", ""),
                      substitute)
        db.session.commit()
        flash(str(_("Изменение расписания сохранено.")), "success")
        return redirect(url_for("TimetableView.week", group=group.id, week=day.isoformat()))

    def _import_page(self, errors=()):
        periods = db.session.scalars(select(Period).order_by(Period.start_date.desc())).all()
        page = self.render_template("timetable/import.html", periods=periods,
                                    errors=list(errors), title=_("Загрузка расписания"))
        return page, 422 if errors else 200

    @expose("/import", methods=["GET", "POST"])
    @has_access
    @refusal_form(lambda view, exc: view._import_page([str(exc)]))
    def upload(self):
        if request.method == "GET":
            return self._import_page()
        period = db.session.get(Period, request.form.get("period", type=int) or 0)
        upload = request.files.get("file")
        if period is None or upload is None or not upload.filename:
            raise Refused(str(_("Выберите семестр и файл XLSX.")))
        count = tt.import_xlsx(period, upload.read())
        db.session.commit()
        flash(str(_("Расписание загружено: строк %(n)s.", n=count)), "success")
        return redirect(url_for("TimetableView.week"))

    @expose("/template.xlsx")
    @has_access
    def template(self):
        return xlsx_response(timetable_template(), "timetable-template.xlsx")


def register(appbuilder) -> None:
    appbuilder.add_link("MyTimetable", label=_("Моё расписание"), href="/timetable/mine",
                        icon="fa-user", category="Timetable", category_label=_("Расписание"))
    appbuilder.add_view(TimetableView, "Week", label=_("Расписание на неделю"),
                        icon="fa-calendar", category="Timetable",
                        category_label=_("Расписание"))
    appbuilder.add_view(TimetableEntryView, "Entries", label=_("Пары недели"),
                        icon="fa-th", category="Timetable")
    appbuilder.add_view(TimetableChangeView, "Changes", label=_("Изменения на дату"),
                        icon="fa-exchange", category="Timetable")
    appbuilder.add_link("TimetableImport", label=_("Загрузка из XLSX"), href="/timetable/import",
                        icon="fa-upload", category="Timetable")
