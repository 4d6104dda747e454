"""Journal pages: the list, the grid (filled through the JSON API), lesson entry, print,
XLSX (1.6, 4.4-4.8). The rules live in app/services/journal/access.py and its sibling modules."""
from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import labels
from ..errors import DomainError
from ..exports.journal import journal_xlsx
from ..extensions import db
from ..infra import clock
from ..models import AcademicYear, Journal
from ..security.access import OVERRIDES_DEADLINE
from ..services.journal.access import cell_text, is_journal_teacher, journal_for_read
from ..services.journal.bells import pair_times
from ..services.journal.grid import grid_data
from ..services.journal.lessons import (
    create_lesson, delete_lesson, deletion_rule, lesson_contents, lesson_of, may_write_cells,
    topics_for, update_lesson,
)
from ..services.journal.lesson_slot import suggested_slot
from ..services.journal.timetable import active_teachers
from ..services.records import audit
from ..services.scopes import journal_filter, role_names
from .base import xlsx_response
from .hours import HoursView
from .programme import ProgrammeView



def readable_journals(user):
    return db.session.scalars(
        select(Journal).where(journal_filter(user))
        .join(AcademicYear, AcademicYear.id == Journal.academic_year_id)
        .options(joinedload(Journal.group), joinedload(Journal.subgroup),
                 joinedload(Journal.discipline), joinedload(Journal.teacher),
                 joinedload(Journal.academic_year))
        # The current year's journals first: last year's (final grades only) must not be
        # mistaken for this year's journal of the same group and discipline.
        .order_by(AcademicYear.start_date.desc(), Journal.group_id, Journal.discipline_id,
                  Journal.subgroup_id)).unique().all()


def _journal_or_abort(pk: int) -> Journal:
    try:
        return journal_for_read(current_user, pk)
    except DomainError as exc:
        abort(exc.status, exc.message)


class JournalView(BaseView):
    route_base = "/journal"
    default_view = "list"

    @expose("/")
    @has_access
    def list(self):
        journals = readable_journals(current_user)
        return self.render_template("journal/list.html", journals=journals,
                                    title=_("Журналы"))

    @expose("/<int:pk>/")
    @has_access
    def grid(self, pk):
        journal = _journal_or_abort(pk)
        audit.record("journal_view", "journal", journal.id)
        audit.commit_read()
        return self.render_template(
            "journal/grid.html", journal=journal, title=journal.title,
            both=request.args.get("subgroups") == "all",
            can_lesson=is_journal_teacher(current_user, journal),
            writer=may_write_cells(current_user, journal),
            overrider=bool(role_names(current_user) & OVERRIDES_DEADLINE),
            today=clock.today(), focus_lesson=request.args.get("lesson", type=int))

    def _lesson_form(self, journal, lesson=None, data=None, error=None):
        # a new lesson opens on the timetable's latest free pair (1.7: no reason needed)
        day, pair = (None, None) if lesson else suggested_slot(journal, current_user,
                                                               clock.today())
        return self.render_template(
            "journal/lesson_form.html", journal=journal, lesson=lesson, data=data or {},
            error=error, topics=topics_for(journal), today=clock.today(),
            lesson_types=labels.LESSON_TYPES, homework_kinds=labels.HOMEWORK_KINDS,
            off_timetable_reasons=labels.OFF_TIMETABLE_REASONS, substitutes=active_teachers(),
            pair_times=pair_times(), suggested_day=day, suggested_pair=pair,
            title=_("Занятие")), 400 if error else 200

    @expose("/<int:pk>/lesson/", methods=["GET", "POST"])
    @expose("/<int:pk>/lesson/<int:lesson_id>/", methods=["GET", "POST"])
    @has_access
    def lesson(self, pk, lesson_id=None):
        journal = _journal_or_abort(pk)
        lesson = None
        try:
            if lesson_id is not None:
                lesson = lesson_of(journal, lesson_id)
            if request.method == "GET":
                # A start-page link prefills date and pair (?lesson_date=…&pair_number=…).
                return self._lesson_form(journal, lesson, request.args)
            form = request.form.to_dict()
            if lesson is not None and form.get("action") == "delete":
                # 1.6: nothing is deleted in one click; the confirmation says what goes.
                return redirect(url_for("JournalView.confirm_delete", pk=journal.id,
                                        lesson_id=lesson.id))
            if lesson is not None:
                update_lesson(current_user, journal, lesson, form, clock.today())
                flash(str(_("Занятие сохранено.")), "info")
            else:
                lesson = create_lesson(current_user, journal, form, clock.today())
                flash(str(_("Занятие записано.")), "info")
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            if request.method == "GET":
                abort(exc.status, exc.message)
            return self._lesson_form(journal, lesson, request.form, exc.message)
        return redirect(url_for("JournalView.grid", pk=journal.id, lesson=lesson.id))

    @expose("/<int:pk>/lesson/<int:lesson_id>/delete", methods=["GET", "POST"])
    @has_access
    @permission_name("lesson")
    def confirm_delete(self, pk, lesson_id):
        """Deleting a lesson asks first and says what will be lost (1.6): a confirmation page,
        so the rule holds without scripts too."""
        journal = _journal_or_abort(pk)
        try:
            lesson = lesson_of(journal, lesson_id)
            contents = lesson_contents(lesson)
            who = deletion_rule(current_user, journal, lesson, clock.today(), contents)
            if request.method == "POST":
                delete_lesson(current_user, journal, lesson, clock.today(),
                              request.form.get("reason"))
                db.session.commit()
                flash(str(_("Занятие удалено.")), "info")
                return redirect(url_for("JournalView.grid", pk=journal.id))
            error = None
        except DomainError as exc:
            db.session.rollback()
            if request.method == "GET" or exc.status in (403, 404):  # the rule's own words
                return self.render_template("error.html", code=exc.status,
                                            message=exc.message), exc.status
            error = exc.message
        return self.render_template(
            "journal/lesson_delete.html", journal=journal, lesson=lesson, contents=contents,
            needs_reason=who == "deputy", error=error,
            title=_("Удаление занятия")), 400 if error else 200

    @staticmethod
    def _export(pk, fmt):
        """The journal and its grid for a print-out or a file; the export is audited (4.1)."""
        journal = _journal_or_abort(pk)
        data = grid_data(current_user, journal, clock.today())
        audit.record("export", "journal", journal.id, details={"format": fmt})
        db.session.commit()
        return journal, data

    @expose("/<int:pk>/print/")
    @has_access
    def print(self, pk):
        journal, data = self._export(pk, "print")
        return self.render_template("journal/print.html", journal=journal, data=data,
                                    table=paper_table(data), lesson_types=labels.LESSON_TYPES,
                                    homework_kinds=labels.HOMEWORK_KINDS, title=journal.title)

    @expose("/<int:pk>/xlsx/")
    @has_access
    def xlsx(self, pk):
        journal, data = self._export(pk, "xlsx")
        body = journal_xlsx(journal, data, paper_table(data), labels.LESSON_TYPES,
                            labels.HOMEWORK_KINDS)
        return xlsx_response(body, f"journal-{journal.id}.xlsx")


def paper_table(data: dict) -> list[dict]:
    """Rows of the paper journal: each student's cell texts in lesson order and finals."""
    cells = {(c["lesson_id"], c["student_id"]): c for c in data["cells"]}
    rows = []
    for student in data["students"]:
        spans = [(date.fromisoformat(a), date.fromisoformat(b) if b else None)
                 for a, b in student["spans"]]
        texts = []
        for lesson in data["lessons"]:
            day = date.fromisoformat(lesson["date"])
            enrolled = any(a <= day and (b is None or b >= day) for a, b in spans)
            cell = cells.get((lesson["id"], student["id"]))
            texts.append(cell_text(cell["absent"], [m["value"] for m in cell["marks"]])
                         if cell else ("" if enrolled else "—"))
        finals = {(f["period_id"], f["kind"]): f["value"] for f in data["final_grades"]
                  if f["student_id"] == student["id"]}
        rows.append({"student": student, "cells": texts, "finals": finals})
    return rows


def register(appbuilder) -> None:
    # The menu item's name is the permission FAB checks (menu_access): app/security/access.py grants
    # it on "JournalView", "HoursView" and "ProgrammeView", so the items carry those names.
    appbuilder.add_view(JournalView, "JournalView", label=_("Журналы"), category="Journal",
                        category_label=_("Журнал"), icon="fa-book")
    appbuilder.add_view(HoursView, "HoursView", label=_("Вычитанные часы"), category="Journal",
                        icon="fa-clock-o")
    appbuilder.add_view(ProgrammeView, "ProgrammeView", label=_("Выполнение программ"),
                        category="Journal", icon="fa-tasks")
