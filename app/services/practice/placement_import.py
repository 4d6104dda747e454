"""Practice: import of organisations and placements from XLSX/CSV, all or nothing (like the
other imports, services/college/imports.py): every row is checked first, one bad row refuses the
whole file with «Строка N: причина»."""
import re
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ...infra.spreadsheets import Formula, file_rows, keyed_table, normalized
from ...infra.text_hygiene import control_character
from ...models import Journal, Student, StudentGroup, User
from ...models.practice import Practice, PracticeOrganisation
from ..journal.access import roster
from ..records import audit
from .base import (
    MENTOR_ROLE, ORDER_MAX, PracticeError, PracticeImportRefused, _date, _has_role, _order,
)
from .placements import CONTRACT_REQUIRED, _write_placement
from .scopes import manages_practice

IMPORT_COLUMNS = [
    ("group", "Группа"), ("discipline", "Код практики"),
    ("record_book_number", "№ зачётной книжки"), ("student", "Студент"),
    ("organisation", "Организация"), ("address", "Адрес организации"),
    ("contact", "Контакты организации"), ("mentor", "Наставник (логин)"),
    ("contract_number", "№ договора"), ("contract_date", "Дата договора"),
    ("order_number", "№ приказа"), ("order_date", "Дата приказа"),
]
IMPORT_REQUIRED = ("group", "discipline", "record_book_number", "organisation",
                   "order_number", "order_date")
IMPORT_LIMITS = {"group": 32, "discipline": 16, "record_book_number": 32, "student": 200,
                 "organisation": 255, "address": 500, "contact": 255, "mentor": 64,
                 "contract_number": ORDER_MAX, "order_number": ORDER_MAX}


def _cell_problems(labels: dict, number: int, values: dict) -> list[str]:
    """Formulas, control characters and over-long text in one row (finding 6, 13)."""
    problems = []
    for key, value in values.items():
        if isinstance(value, Formula):
            problems.append(_("Строка %(number)s: «%(label)s» — в ячейке формула, "
                              "нужно значение", number=number, label=labels[key]))
        elif isinstance(value, str):
            code = control_character(value)
            limit = IMPORT_LIMITS.get(key)
            if code is not None:
                problems.append(_("Строка %(number)s: «%(label)s» содержит недопустимый "
                                  "управляющий символ (%(code)s)", number=number,
                                  label=labels[key], code=code))
            elif limit and len(value.strip()) > limit:
                problems.append(_("Строка %(number)s: «%(label)s» длиннее %(limit)s символов "
                                  "(%(count)s)", number=number, label=labels[key], limit=limit,
                                  count=len(value.strip())))
    return problems


def _import_rows(filename: str, data: bytes) -> list[tuple[int, dict]]:
    labels = dict(IMPORT_COLUMNS)
    return keyed_table(file_rows(filename, data, PracticeImportRefused), IMPORT_COLUMNS,
                       IMPORT_REQUIRED,
                       lambda number, values: _cell_problems(labels, number, values),
                       PracticeImportRefused)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def import_placements(user, file_storage) -> dict:
    """Organisations and placements from XLSX/CSV, all or nothing: every row is checked first
    (the practice of the group and code, the supervisor's right, the student in the group, the
    mentor's role, the order); one bad row refuses the whole file with «Строка N: причина»."""
    if isinstance(file_storage, tuple):
        filename, data = file_storage
    else:
        filename = getattr(file_storage, "filename", "") or ""
        data = file_storage.read()
    table = _import_rows(filename, data)
    problems: list[str] = []
    labels = dict(IMPORT_COLUMNS)
    texts = [(n, {k: _cell_text(v) if not isinstance(v, (date, datetime)) else v
                  for k, v in row.items()}) for n, row in table]
    groups = {r.get("group", "") for _n, r in texts}
    codes = {r.get("discipline", "") for _n, r in texts}
    practices: dict[tuple[str, str], Practice] = {}
    for practice in db.session.scalars(
            select(Practice).join(Journal, Journal.id == Practice.journal_id)
            .join(StudentGroup, StudentGroup.id == Journal.group_id)
            .where(StudentGroup.name.in_(groups)).options(
                joinedload(Practice.journal).joinedload(Journal.group),
                joinedload(Practice.journal).joinedload(Journal.discipline),
                joinedload(Practice.journal).joinedload(Journal.academic_year))
            .order_by(Practice.start_date)).unique():
        key = (normalized(practice.journal.group.name),
               normalized(practice.journal.discipline.code))
        if normalized(practice.journal.discipline.code) in {normalized(c) for c in codes}:
            practices[key] = practice  # the latest practice of the group and code
    books = {r.get("record_book_number", "") for _n, r in texts}
    students = {s.record_book_number: s for s in db.session.scalars(
        select(Student).where(Student.record_book_number.in_(books)))}
    names = {normalized(r.get("organisation")) for _n, r in texts}
    known_orgs = {normalized(o.name): o for o in db.session.scalars(select(PracticeOrganisation))
                  if normalized(o.name) in names}
    logins = {r.get("mentor") for _n, r in texts if r.get("mentor")}
    accounts = {u.username: u for u in db.session.scalars(select(User).where(
        User.username.in_(logins)).options(selectinload(User.roles)))} if logins else {}
    rosters: dict[int, set[int]] = {}
    seen: dict[tuple[int, int], int] = {}
    plan = []
    new_orgs: dict[str, dict] = {}
    for number, row in texts:
        empty = [labels[k] for k in IMPORT_REQUIRED if not row.get(k)]
        for label in empty:
            problems.append(_("Строка %(number)s: не заполнено «%(label)s»", number=number,
                              label=label))
        if empty:
            continue
        practice = practices.get((normalized(row["group"]), normalized(row["discipline"])))
        if practice is None:
            problems.append(_("Строка %(number)s: практика «%(discipline)s» группы «%(group)s» не "
                              "найдена", number=number, discipline=row["discipline"],
                              group=row["group"]))
            continue
        if not manages_practice(user, practice):
            problems.append(_("Строка %(number)s: вы не руководитель практики «%(practice_title)s»",
                              number=number, practice_title=practice.title))
            continue
        student = students.get(row["record_book_number"])
        if practice.id not in rosters:
            rosters[practice.id] = {s["id"] for s in roster(
                practice.journal, practice.start_date, practice.end_date)}
        if student is None or student.id not in rosters[practice.id]:
            problems.append(_("Строка %(number)s: студента с зачётной книжкой «%(book)s» нет в "
                              "группе практики", number=number, book=row["record_book_number"]))
            continue
        if (practice.id, student.id) in seen:
            problems.append(_("Строка %(number)s: студент уже распределён в строке "
                              "%(line)s", number=number,
                              line=seen[(practice.id, student.id)]))
            continue
        seen[(practice.id, student.id)] = number
        mentor = None
        if row.get("mentor"):
            mentor = accounts.get(row["mentor"])
            if mentor is None or not mentor.active or not _has_role(mentor, MENTOR_ROLE):
                problems.append(_("Строка %(number)s: «%(mentor)s» — не учётная запись "
                                  "наставника от организации", number=number, mentor=row["mentor"]))
                continue
        try:
            order_number, order_date = _order(row["order_number"], row["order_date"], True)
            contract_date = _date(_("дату договора"), row.get("contract_date"), required=False)
        except PracticeError as exc:
            problems.append(_("Строка %(number)s: %(message)s", number=number, message=exc.message))
            continue
        if mentor is not None and not (row.get("contract_number") and contract_date):
            problems.append(_("Строка %(number)s: %(message)s", number=number,
                              message=CONTRACT_REQUIRED))
            continue
        org_key = normalized(row["organisation"])
        if org_key not in known_orgs and org_key not in new_orgs:
            new_orgs[org_key] = {"name": row["organisation"],
                                 "address": row.get("address") or None,
                                 "contact": row.get("contact") or None}
        plan.append((practice, student, org_key, mentor, row.get("contract_number") or None,
                     contract_date, order_number, order_date))
    if problems:
        db.session.rollback()
        raise PracticeImportRefused(problems)
    try:
        for key, data in new_orgs.items():
            organisation = PracticeOrganisation(**data)
            db.session.add(organisation)
            db.session.flush()
            known_orgs[key] = organisation
            audit.record("create", "practice_organisation", organisation.id,
                         details={"name": data["name"], "import": True}, user=user)
        for (practice, student, org_key, mentor, contract_number, contract_date,
             order_number, order_date) in plan:
            _write_placement(user, practice, student.id, known_orgs[org_key], mentor,
                             contract_number, contract_date, order_number, order_date)
        summary = {"организаций добавлено": len(new_orgs), "распределений": len(plan)}
        audit.record("import", "practice_placement", None, details=dict(summary, file=filename),
                     user=user)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise PracticeImportRefused([_("Файл не загружен: данные изменились во время загрузки, "
                                       "повторите попытку.")]) from None
    return summary
