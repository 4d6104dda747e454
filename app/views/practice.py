"""Practice pages (2.2, issue 15): the overview of the college's supervisors, curators and the
deputy; the practice page (placements by order, import, mentor accounts, grades after the
attestation); the student's practice diary; the mentor's students, their diaries and attestation
sheets. The documents (prints, XLSX) are in practice_prints.py.

Rules and rows are app/services/practice.py's: these views parse the form, call the service and
render; practice_data.py reads the service's data of a student and the few lists a page shows.
"""
from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import labels
from ..exports.import_templates import placements_template
from ..extensions import db
from ..infra.clock import today
from ..models.practice import (
    CHARACTERISTIC_MAX, DIARY_TEXT_MAX, NOTE_MAX, PracticeCompetency, PracticeDiaryEntry,
    PracticePlacement,
)
from ..security.access import TEACHES
from ..services import practice
from ..services.college.import_tables import ImportRefused
from ..services.journal.access import roster
from ..services.portal.record import visible_children
from ..services.records import audit
from ..services.scopes import role_names, student_of_user
from ..web_errors import refusal_form
from .base import xlsx_response
from .timetable import parse_day
from .practice_data import (
    diary_counts, mentor_denial, mentor_practices, placement_data,
    practice_placement_id, stripped, to_int,
)
from .practice_prints import PracticeDocuments


# --- what a page lists besides the service's data ------------------------------------------
def _supervisors():
    """Active teachers: whom the practice may name its supervisor."""
    sm = current_app.appbuilder.sm
    return db.session.scalars(select(sm.user_model).where(
        sm.user_model.active.is_(True),
        sm.user_model.roles.any(sm.role_model.name.in_(TEACHES))).order_by(
        sm.user_model.last_name, sm.user_model.first_name)).all()


def _practice_of(placement_id) -> int:
    found = db.session.scalar(select(PracticePlacement.practice_id).where(
        PracticePlacement.id == placement_id))
    if found is None:
        raise practice.PracticeNotFound(_("Место практики не найдено."))
    return found


def _placement_of(entry_id) -> int:
    found = db.session.scalar(select(PracticeDiaryEntry.placement_id).where(
        PracticeDiaryEntry.id == entry_id))
    if found is None:
        raise practice.PracticeNotFound(_("Запись дневника не найдена."))
    return found


def _practice_again(view, exc, practice_id):
    """A refused change on the practice page: the page again, with the reason."""
    return view._practice_page(practice_id, str(exc), request.form, exc.status)


def _diary_again(view, exc, placement_id):
    """A refused change of the diary: the diary again, with the reason."""
    return view._diary_page(placement_id, str(exc), request.form, exc.status)


class PracticeView(PracticeDocuments, BaseView):
    route_base = "/practice"
    default_view = "index"

    def _may(self, permission: str) -> bool:
        return self.appbuilder.sm.has_access(permission, self.class_permission_name)

    # --- the overview and the practice page ---------------------------------------------
    def _index_page(self, error=None, form=None, status=200):
        journals = (practice.journals_for_new_practice(current_user)
                    if self._may("can_create") else [])
        return self.render_template(
            "practice/index.html", practices=practice.overview(current_user), day=today(),
            kinds=labels.PRACTICE_KINDS, creator=bool(journals), error=error, form=form or {},
            journals=journals, supervisors=_supervisors() if journals else [],
            may_import=self._may("can_import"), title=_("Практика")), status

    @expose("/")
    @has_access
    def index(self):
        return self._index_page()

    @expose("/create", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc: view._index_page(str(exc), request.form, exc.status),
                  pages=())
    def create(self):
        form = request.form
        item = practice.create_practice(
            current_user, form.get("journal"), form.get("start_date"),
            form.get("end_date"), form.get("hours"), form.get("supervisor") or None,
            _competencies(form.get("competencies", "")),
            stripped(form.get("order_number")) or None, form.get("order_date") or None)
        db.session.commit()
        flash(str(_("Практика создана: назначьте студентам места практики и наставников.")),
              "success")
        return redirect(url_for("PracticeView.show", practice_id=item.id))

    def _practice_page(self, practice_id, error=None, form=None, status=200):
        found = practice.overview(current_user, practice_id=practice_id)
        item, rows = found[0]["practice"], found[0]["rows"]
        # which forms the page shows; the service decides again on every change
        manager = practice.manages_practice(current_user, item)
        grader = practice.grades_practice(current_user, item)
        placed = {r["student"].id for r in rows}
        return self.render_template(
            "practice/show.html", item=item, rows=rows, kinds=labels.PRACTICE_KINDS,
            manager=manager,
            grader=grader, grade_values=practice.GRADE_VALUES, error=error, form=form or {},
            students=[s for s in roster(item.journal, item.start_date, item.end_date)
                      if s["id"] not in placed] if manager else [],
            organisations=practice.organisations() if manager else [],
            mentors=practice.mentors() if manager else [],
            issue_accounts=manager and practice.may_issue_mentor_accounts(current_user),
            title=item.title), status

    @expose("/<int:practice_id>")
    @has_access
    def show(self, practice_id):
        return self._practice_page(practice_id)

    @staticmethod
    def _done(done, target):
        """A change made: one commit, the message, the page it belongs to. A refusal shows
        the form's page again with the reason (refusal_form; 403/404: the error page)."""
        db.session.commit()
        flash(str(done), "success")
        return redirect(target)

    @expose("/<int:practice_id>/placement", methods=["POST"])
    @has_access
    @refusal_form(_practice_again)
    def placement(self, practice_id):
        form = request.form
        organisation_id = form.get("organisation") or None
        if stripped(form.get("new_organisation")):
            organisation_id = practice.add_organisation(
                current_user, form.get("new_organisation"), form.get("new_address"),
                form.get("new_contact")).id
        practice.assign_placement(
            current_user, practice_id, form.get("student"), organisation_id,
            form.get("mentor") or None, form.get("contract_number"),
            form.get("contract_date") or None, form.get("order_number"),
            form.get("order_date") or None, in_college=form.get("in_college") == "1")
        return self._done(_("Место практики назначено."),
                          url_for("PracticeView.show", practice_id=practice_id))

    @expose("/placement/<int:placement_id>/grade", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc, placement_id: _practice_again(
        view, exc, _practice_of(placement_id)))
    def grade(self, placement_id):
        practice_id = _practice_of(placement_id)
        practice.set_practice_grade(current_user, placement_id, request.form.get("value", ""),
                                    request.form.get("reason", ""))
        return self._done(_("Оценка за практику выставлена."),
                          url_for("PracticeView.show", practice_id=practice_id))

    # --- mentor accounts ---------------------------------------------------------------
    def _accounts_page(self, back, error=None, form=None, status=200):
        return self.render_template("practice/accounts.html", error=error, form=form or {},
                                    back=back, mentors=practice.mentor_accounts(current_user),
                                    title=_("Учётные записи наставников")), status

    @expose("/accounts", methods=["GET", "POST"])
    @has_access
    @refusal_form(lambda view, exc: view._accounts_page(
        to_int(request.values.get("practice")), str(exc), request.form, exc.status), pages=())
    def accounts(self):
        """A practice supervisor or IT issues a mentor's account; its one-time password is
        printed on the credential slip (3.1)."""
        back = to_int(request.values.get("practice"))
        if request.method == "GET":
            return self._accounts_page(back)
        form = request.form
        account, password = practice.issue_mentor_account(
            current_user, form.get("last_name"), form.get("first_name"), form.get("email"))
        db.session.commit()
        return self.render_template("practice/slip.html", slips=[practice.mentor_slip(
            account, password)], back=back, title=_("Учётные данные наставника"))

    # --- import ------------------------------------------------------------------------
    def _import_page(self, status=200, **context):
        return self.render_template("practice/import.html", columns=practice.IMPORT_COLUMNS,
                                    required=practice.IMPORT_REQUIRED,
                                    title=_("Импорт мест практики"), **context), status

    @expose("/import", methods=["GET", "POST"])
    @has_access
    @permission_name("import")
    @refusal_form(lambda view, exc: view._import_page(
        exc.status, filename=request.files["file"].filename,
        problems=exc.problems if isinstance(exc, ImportRefused) else [str(exc)]), pages=())
    def upload(self):
        """Organisations and placements from XLSX/CSV, all or nothing."""
        if request.method == "GET":
            return self._import_page()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return self._import_page(400, problems=[str(_("Выберите файл XLSX или CSV."))])
        summary = practice.import_placements(current_user, upload)
        return self._import_page(summary=summary, filename=upload.filename)

    @expose("/import/template.xlsx")
    @has_access
    @permission_name("import")
    def template(self):
        return xlsx_response(placements_template(), "practice-placements.xlsx")

    # --- the diary: the student writes, the mentor reviews, the others read -------------
    @expose("/my")
    @has_access
    def my(self):
        """The student's practices (one opens its diary at once); a parent's children's."""
        if "Student" in role_names(current_user):
            own = student_of_user(current_user)
            people = [(own, None)] if own is not None else []
        else:
            people = visible_children(current_user)
        found = [(person, denial, practice.student_practice(current_user, person.id)
                  ["placements"] if denial is None else []) for person, denial in people]
        placements = [p for _who, _why, items in found for p in items]
        if len(found) == 1 and len(placements) == 1:
            return redirect(url_for("PracticeView.diary",
                                    placement_id=placements[0]["placement_id"]))
        return self.render_template("practice/my.html", found=found, kinds=labels.PRACTICE_KINDS,
                                    title=_("Практика"))

    def _diary_page(self, placement_id, error=None, form=None, status=200):
        data, item = placement_data(placement_id)
        own = student_of_user(current_user) if "Student" in role_names(current_user) else None
        day = today()
        item["counts"] = diary_counts(item)
        written = [e["date"] for e in item["entries"]]
        item["missing"] = practice.days_to_write(item["start_date"], item["end_date"], written,
                                                 day)
        chosen = parse_day(request.args.get("day"), None) if request.method == "GET" else None
        item["default_day"] = chosen if chosen in item["missing"] or chosen in written else (
            practice.default_diary_day(item["start_date"], item["end_date"], written, day))
        return self.render_template(
            "practice/diary.html", student=data["student"], p=item,
            others=[o for o in data["placements"] if o is not item],
            writer=own is not None and own.id == data["student"]["id"],
            reviewer=placement_id in {m.id for m in practice.mentor_students(current_user)} or (
                item["in_college"] and item["supervisor_id"] == current_user.id),
            kinds=labels.PRACTICE_KINDS, statuses=labels.STATUSES["practice_diary"], error=error,
            form=form or {}, day=day,
            text_max=DIARY_TEXT_MAX, hours_max=practice.day_hours_limit(),
            title=f"{data['student']['full_name']}: {_('дневник практики')}"), status

    @expose("/diary/<int:placement_id>")
    @has_access
    def diary(self, placement_id):
        return self._diary_page(placement_id)

    @expose("/placement/<int:placement_id>/write", methods=["POST"])
    @has_access
    @refusal_form(_diary_again)
    def write(self, placement_id):
        form = request.form
        practice.write_entry(current_user, placement_id, form.get("day"), form.get("text", ""),
                             form.get("hours"))
        return self._done(_("Запись дневника сохранена: наставник её проверит."),
                          url_for("PracticeView.diary", placement_id=placement_id))

    @expose("/entry/<int:entry_id>/review", methods=["POST"])
    @has_access
    @refusal_form(lambda view, exc, entry_id: _diary_again(view, exc, _placement_of(entry_id)))
    def review(self, entry_id):
        placement_id = _placement_of(entry_id)
        action = request.form.get("action", "")
        practice.review_entry(current_user, entry_id, action, request.form.get("comment", ""))
        return self._done(_("Запись подтверждена.") if action == "confirm"
                          else _("Запись возвращена студенту с комментарием."),
                          url_for("PracticeView.diary", placement_id=placement_id))

    # --- the mentor's pages ---------------------------------------------------------------
    @expose("/mentor")
    @has_access
    def mentor(self):
        """The mentor's students in their window; after it, why the access has ended."""
        home = practice.mentor_home(current_user)
        placements = home["placements"]
        denial = None if placements else (
            practice.no_basis_denial() if practice.mentor_lacks_basis(current_user)
            else mentor_denial(mentor_practices()))
        if placements:  # issue 15, 2: what a mentor reads is in the audit log, with its basis
            audit.record("view", "practice_placement", None, details={
                "list": "mentor", "placements": [p.id for p in placements],
                "contracts": [practice.basis_details(p) for p in placements]})
            audit.commit_read()
        return self.render_template(
            "practice/mentor.html", placements=placements, waiting=home["waiting"],
            message=str(denial) if denial else None, kinds=labels.PRACTICE_KINDS,
            title=_("Мои практиканты"))

    def _attestation_page(self, placement_id, error=None, form=None, status=200):
        data, item = placement_data(placement_id)
        if placement_id not in {p.id for p in practice.mentor_students(current_user)} and not (
                item["in_college"] and item["supervisor_id"] == current_user.id):
            raise practice.PracticeDenied(str(
                _("Аттестационный лист заполняет наставник студента; в мастерских колледжа — "
                  "руководитель практики.") if item["in_college"] or not item["mentor"]
                else _("Аттестационный лист заполняет наставник студента.")))
        return self.render_template(
            "practice/attestation.html", student=data["student"], p=item, error=error,
            competencies=_sheet_lines(item),
            form=form, note_max=NOTE_MAX, characteristic_max=CHARACTERISTIC_MAX,
            kinds=labels.PRACTICE_KINDS, title=f"{data['student']['full_name']}: "
                                     f"{_('аттестационный лист')}"), status

    @expose("/placement/<int:placement_id>/attestation", methods=["GET", "POST"])
    @has_access
    @refusal_form(lambda view, exc, placement_id: view._attestation_page(
        placement_id, str(exc), request.form, exc.status))
    def attestation(self, placement_id):
        """The mentor's attestation sheet: each competency освоена / не освоена with a note,
        and the характеристика."""
        if request.method == "GET":
            return self._attestation_page(placement_id)
        data, item = placement_data(placement_id)
        form = request.form
        items = {}
        for competency in _sheet_lines(item):
            value = form.get(f"mastered-{competency['competency_id']}")
            if value in ("1", "0"):
                items[competency["competency_id"]] = (
                    value == "1", form.get(f"note-{competency['competency_id']}", ""))
        practice.save_attestation(current_user, placement_id, items,
                                  form.get("characteristic", ""))
        db.session.commit()
        flash(str(_("Аттестационный лист сохранён.")), "success")
        return redirect(url_for("PracticeView.diary", placement_id=placement_id))


def _sheet_lines(item: dict) -> list[dict]:
    """The lines of the attestation sheet: the service's, or the practice's competencies
    still unmarked when the mentor has not filled the sheet yet."""
    if item["attestation"] is not None:
        return item["attestation"]["items"]
    found = db.session.execute(select(PracticeCompetency.id, PracticeCompetency.code,
                                      PracticeCompetency.title).where(
        PracticeCompetency.practice_id == item["practice_id"]).order_by(
        PracticeCompetency.position)).all()
    return [{"competency_id": cid, "code": code, "title": title, "mastered": None, "note": None}
            for cid, code, title in found]


def _competencies(text: str) -> list[tuple[str, str]]:
    """Lines «ПК 1.1 Title» / «ОК 01 Title» → [(code, title)]; the service checks them."""
    out = []
    for line in (text or "").splitlines():
        words = line.split()
        if not words:
            continue
        split = 2 if len(words) > 2 and words[0].upper() in ("ПК", "ОК") else 1
        out.append((" ".join(words[:split]), " ".join(words[split:])))
    return out


def register(appbuilder) -> None:
    appbuilder.add_view(PracticeView, "Practice", label=_("Практика"), icon="fa-briefcase",
                        href="/practice/", category="Journal", category_label=_("Журнал"))
    appbuilder.add_link("MyPractice", label=_("Моя практика"), href="/practice/my",
                        icon="fa-briefcase")
    appbuilder.add_link("MentorStudents", label=_("Мои практиканты"), href="/practice/mentor",
                        icon="fa-briefcase")
    appbuilder.add_link("MentorAccounts", label=_("Учётные записи наставников"),
                        href="/practice/accounts", icon="fa-id-card-o", category="Journal",
                        category_label=_("Журнал"),
                        cond=lambda: practice.may_issue_mentor_accounts(current_user))
    current_app.jinja_env.globals["practice_placement_id"] = practice_placement_id
