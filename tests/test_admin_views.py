"""Admin screens: query counts that do not grow with rows, Russian choices and messages,
validation, integrity errors as Russian flashes, IT's accounts screen."""
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, func, insert, select

from app.models import (
    AcademicYear, Department, Discipline, Parent, Period, Student, StudentGroup, StudentParent,
    Subgroup, TeachingLoad, User,
)
from tests.fast_hashing import fast_password_hashing  # noqa: F401

LEAKS = ("IntegrityError", "UNIQUE constraint", "duplicate key", "sqlalchemy", "Traceback",
         "psycopg", "sqlite3")


# --- query counts --------------------------------------------------------------------------------
@contextmanager
def counted(db):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _groups(db, college, n):
    rows = [dict(name=f"Т-{i:03d}", specialty_id=college.specialty.id, admission_year=2024,
                 graduation_date=date(2028, 6, 30), curator_id=college.curator1.id,
                 status="active") for i in range(n)]
    db.session.execute(insert(StudentGroup), rows)
    return db.session.scalars(select(StudentGroup.id).where(StudentGroup.name.like("Т-%"))).all()


def add_students(db, college, n, start):
    groups = _groups(db, college, 20) if start == 0 else db.session.scalars(
        select(StudentGroup.id).where(StudentGroup.name.like("Т-%"))).all()
    db.session.execute(insert(Student), [
        dict(last_name=f"Студентов{i}", first_name="Иван", birth_date=date(2008, 1, 1),
             record_book_number=f"Q-{i:05d}", group_id=groups[i % len(groups)],
             status="studying") for i in range(start, start + n)])


def add_links(db, college, n, start):
    add_students(db, college, n, start)
    db.session.execute(insert(Parent), [dict(last_name=f"Родителев{i}", first_name="Пётр",
                                             phone=f"+7900{i:07d}") for i in range(start,
                                                                                    start + n)])
    students = dict(db.session.execute(select(Student.record_book_number, Student.id)).all())
    parents = dict(db.session.execute(select(Parent.phone, Parent.id)).all())
    db.session.execute(insert(StudentParent), [
        dict(student_id=students[f"Q-{i:05d}"], parent_id=parents[f"+7900{i:07d}"],
             relation="мать") for i in range(start, start + n)])


def add_load(db, college, n, start):
    if start == 0:
        groups = _groups(db, college, 40)
        db.session.execute(insert(Discipline), [dict(code=f"ОП.{i + 10}", name=f"Дисциплина {i}",
                                                     kind="op") for i in range(25)])
        db.session.execute(insert(Subgroup), [dict(group_id=g, name="1 подгруппа")
                                              for g in groups])
    groups = db.session.scalars(select(StudentGroup.id).where(
        StudentGroup.name.like("Т-%")).order_by(StudentGroup.id)).all()
    disciplines = db.session.scalars(select(Discipline.id).where(
        Discipline.code.like("ОП._%")).where(Discipline.code != "ОП.01")
        .order_by(Discipline.id)).all()
    subgroups = dict(db.session.execute(select(Subgroup.group_id, Subgroup.id)).all())
    teachers = [college.teacher1.id, college.teacher2.id, college.curator1.id,
                college.curator2.id]
    rows = []
    for i in range(start, start + n):
        group = groups[i // len(disciplines)]
        rows.append(dict(academic_year_id=college.year.id, group_id=group,
                         discipline_id=disciplines[i % len(disciplines)],
                         subgroup_id=subgroups[group] if i % 2 else None,
                         teacher_id=teachers[i % len(teachers)], hours=36))
    db.session.execute(insert(TeachingLoad), rows)


def add_accounts(db, college, n, start):
    from flask_appbuilder.security.sqla.models import Role, assoc_user_role
    db.session.execute(insert(User), [
        dict(first_name="Учитель", last_name=f"Учителев{i}", username=f"t{i:05d}",
             email=f"t{i:05d}@college.test", password="x", active=True)
        for i in range(start, start + n)])
    roles = db.session.scalars(select(Role.id).where(Role.name.in_(("Teacher", "Curator")))).all()
    users = db.session.scalars(select(User.id).where(User.username.like("t0%"))).all()
    db.session.execute(assoc_user_role.delete().where(assoc_user_role.c.user_id.in_(users)))
    db.session.execute(insert(assoc_user_role), [dict(user_id=u, role_id=r) for u in users
                                                 for r in roles])


LIST_VIEWS = [
    ("studentview", "StudentView", add_students, "Студентов"),
    ("teachingloadview", "TeachingLoadView", add_load, "Дисциплина"),
    ("studentparentview", "StudentParentView", add_links, "Родителев"),
    ("users", "UserDBModelView", add_accounts, "Учителев"),
]


@pytest.mark.parametrize("route,view,builder,marker", LIST_VIEWS)
def test_list_query_count_does_not_grow(app, college, db, login, route, view, builder, marker):
    client = login("it" if route == "users" else "director")
    url = f"/{route}/list/?psize_{view}=1100"
    client.get(url)  # the process's first list fills its caches (roles' permissions): not counted
    measured = {}
    for rows, start in ((10, 0), (1000, 10)):
        builder(db, college, rows - start if start else rows, start)
        db.session.commit()
        with app.app_context():  # a fresh context: no objects cached from earlier requests
            with counted(db) as statements:
                page = client.get(url).get_data(as_text=True)
        assert page.count(marker) >= rows, f"{route}: not all {rows} rows rendered"
        measured[rows] = len(statements)
    print(f"\n{view}: SQL queries at 10 rows = {measured[10]}, at 1000 rows = {measured[1000]}")
    assert measured[10] == measured[1000]


# --- Russian labels, choices and dates -----------------------------------------------------------
def test_choices_and_dates_are_russian(college, login):
    client = login("director")
    page = client.get("/curriculumitemview/list/").get_data(as_text=True)
    assert "экзамен" in page and "дифференцированный зачёт" in page and ">diff_credit<" not in page
    page = client.get("/groupview/list/").get_data(as_text=True)
    assert "обучается" in page and "30.06.2028" in page and "2028-06-30" not in page
    page = client.get(f"/studentview/show/{college.student1.id}").get_data(as_text=True)
    assert "15.03.2009" in page and "обучается" in page and "None" not in page
    form = client.get("/disciplineview/add").get_data(as_text=True)
    assert "междисциплинарный курс" in form and "учебная практика" in form


def test_search_by_russian_choice(college, login):
    page = login("director").get("/studentview/list/?_flt_0_status=studying").get_data(
        as_text=True)
    assert "Смирнов" in page
    page = login("director").get("/studentview/list/?_flt_0_status=expelled").get_data(
        as_text=True)
    assert "Смирнов" not in page


# --- validation and integrity ---------------------------------------------------------------------
def _text(response):
    assert response.status_code < 500
    page = response.get_data(as_text=True)
    for leak in LEAKS:
        assert leak not in page, leak
    return page


def test_end_date_before_start_is_refused(college, db, login):
    page = _text(login("director").post("/academicyearview/add", data={
        "name": "2030/2031", "start_date": "2031-09-01", "end_date": "2030-06-30"},
        follow_redirects=True))
    assert "Дата окончания должна быть позже даты начала." in page
    assert db.session.scalar(select(func.count()).select_from(AcademicYear)) == 1


def test_wrong_year_name_gets_russian_message(college, db, login):
    page = _text(login("director").post("/academicyearview/add", data={
        "name": "2030", "start_date": "2030-09-01", "end_date": "2031-06-30"}))
    assert "Учебный год записывается как 2025/2026." in page
    assert db.session.scalar(select(func.count()).select_from(AcademicYear)) == 1


def test_duplicate_on_add_is_a_russian_flash(college, db, login):
    page = _text(login("director").post("/periodview/add", data={
        "academic_year": college.year.id, "number": "1", "name": "Дубль",
        "start_date": "2025-09-01", "end_date": "2025-12-30"}, follow_redirects=True))
    assert "Такая запись уже существует." in page
    assert db.session.scalar(select(func.count()).select_from(Period)) == 2


def test_duplicate_on_edit_is_a_russian_flash(college, db, login):
    spring = college.spring.id
    page = _text(login("director").post(f"/periodview/edit/{spring}", data={
        "academic_year": college.year.id, "number": "1", "name": "2 семестр",
        "start_date": "2026-01-12", "end_date": "2026-06-30", "final_grade_deadline": "",
        "deadline_order_number": "", "deadline_order_date": ""}, follow_redirects=True))
    assert "Такая запись уже существует." in page
    db.session.expire_all()
    assert db.session.get(Period, spring).number == 2


def test_period_outside_year_and_half_order_refused(college, db, login):
    client = login("director")
    base = {"academic_year": college.year.id, "number": "2", "name": "2 семестр",
            "start_date": "2026-01-12", "end_date": "2026-07-30"}
    page = _text(client.post(f"/periodview/edit/{college.spring.id}", data=base,
                             follow_redirects=True))
    assert "Период должен лежать внутри учебного года." in page
    page = _text(client.post(f"/periodview/edit/{college.spring.id}", data=dict(
        base, end_date="2026-06-30", deadline_order_number="15-у"), follow_redirects=True))
    assert "Укажите и номер, и дату приказа о сроке." in page
    db.session.expire_all()
    assert db.session.get(Period, college.spring.id).deadline_order_number is None


def test_numbers_validated_in_russian(college, db, login):
    page = _text(login("director").post("/curriculumitemview/add", data={
        "curriculum": college.curriculum.id, "discipline": college.op01.id, "semester": "12",
        "hours": "0", "assessment_form": "exam"}))
    assert "Семестр: от 1 до 10." in page and "Значение должно быть больше нуля." in page


def test_subgroup_of_another_group_refused_in_load(college, db, login):
    page = _text(login("director").post(f"/teachingloadview/edit/{college.load_b_op.id}", data={
        "academic_year": college.year.id, "group": college.group_b.id,
        "discipline": college.op01.id, "subgroup": college.sub1.id,
        "teacher": college.teacher2.id, "hours": "72"}, follow_redirects=True))
    assert "Подгруппа не относится к выбранной группе и дисциплине." in page
    db.session.expire_all()
    assert db.session.get(TeachingLoad, college.load_b_op.id).subgroup_id is None


def test_delete_of_used_row_refused_unused_deleted(college, db, login):
    client = login("director")
    page = _text(client.post(f"/groupview/delete/{college.group_a.id}", follow_redirects=True))
    assert "Запись используется в других данных" in page
    assert db.session.get(StudentGroup, college.group_a.id) is not None
    spare = Department(name="Заочное отделение")
    db.session.add(spare)
    db.session.commit()
    spare_id = spare.id
    _text(client.post(f"/departmentview/delete/{spare_id}", follow_redirects=True))
    db.session.expire_all()
    assert db.session.get(Department, spare_id) is None


def test_user_pickers_list_only_matching_roles(college, login):
    form = login("director").get("/groupview/add").get_data(as_text=True)
    assert "Кураторова" in form and "Сетевой" not in form and "Смирнова" not in form
    form = login("director").get("/studentview/add").get_data(as_text=True)
    assert "Артём Смирнов" in form and "Кураторова" not in form


# --- IT's accounts screen -----------------------------------------------------------------------
def _roles(db, username):
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == username))
    return {r.name for r in user.roles}


def _user_form(user, roles, **extra):
    data = {"first_name": user.first_name, "last_name": user.last_name,
            "username": user.username, "email": user.email, "active": "y",
            "roles": [r.id for r in roles]}
    data.update(extra)
    return data


def test_it_manages_staff_accounts(app, college, db, login):
    sm = app.appbuilder.sm
    client = login("it")
    page = client.get("/users/list/").get_data(as_text=True)
    assert "teacher1" in page and "Преподаватель" in page
    assert ">admin<" not in page.replace(" ", "")
    assert client.get(f"/users/show/{college.admin.id}").status_code == 404
    assert client.get(f"/users/edit/{college.admin.id}").status_code == 404
    form = client.get("/users/add").get_data(as_text=True)
    assert "Преподаватель" in form and "Администратор системы" not in form
    response = client.post("/users/add", data={
        "first_name": "Нина", "last_name": "Новая", "username": "teacher9",
        "email": "teacher9@college.test", "active": "y",
        "roles": [sm.find_role("Teacher").id], "password": "Strong-Passw0rd",
        "conf_password": "Strong-Passw0rd"}, follow_redirects=True)
    _text(response)
    assert _roles(db, "teacher9") == {"Teacher"}


def test_it_cannot_grant_admin(app, college, db, login):
    sm = app.appbuilder.sm
    client = login("it")
    admin_role = sm.find_role("Admin")
    _text(client.post("/users/add", data={
        "first_name": "Злой", "last_name": "Умысел", "username": "evil",
        "email": "evil@college.test", "active": "y", "roles": [admin_role.id],
        "password": "Strong-Passw0rd", "conf_password": "Strong-Passw0rd"},
        follow_redirects=True))
    assert db.session.scalar(select(User).where(User.username == "evil")) is None
    teacher = college.teacher1
    _text(client.post(f"/users/edit/{teacher.id}", data=_user_form(
        teacher, [admin_role, sm.find_role("Teacher")]), follow_redirects=True))
    assert _roles(db, "teacher1") == {"Teacher"}
    teacher = db.session.get(User, college.teacher1.id)
    _text(client.post(f"/users/edit/{teacher.id}", data=_user_form(
        teacher, [sm.find_role("Teacher"), sm.find_role("Curator")]), follow_redirects=True))
    assert _roles(db, "teacher1") == {"Teacher", "Curator"}  # the same form works without Admin


def test_nobody_changes_own_roles(app, college, db, login):
    sm = app.appbuilder.sm
    client = login("it")
    it = college.it
    page = _text(client.post(f"/users/edit/{it.id}", data=_user_form(
        it, [sm.find_role("IT"), sm.find_role("Administration")]), follow_redirects=True))
    assert "Свои роли изменить нельзя" in page
    assert _roles(db, "it") == {"IT"}


def test_admin_may_grant_admin(app, college, db, login):
    sm = app.appbuilder.sm
    teacher = college.teacher2
    _text(login("admin").post(f"/users/edit/{teacher.id}", data=_user_form(
        teacher, [sm.find_role("Teacher"), sm.find_role("Admin")]), follow_redirects=True))
    assert _roles(db, "teacher2") == {"Teacher", "Admin"}


@pytest.mark.parametrize("username", ["director", "teacher1", "curator1", "student1"])
def test_accounts_screen_only_for_it_and_admin(college, login, username):
    client = login(username)
    assert client.get("/users/list/").status_code in (302, 403)
    assert client.get(f"/users/edit/{college.teacher1.id}").status_code in (302, 403)


# --- audit of admin changes and of student record views (4.1) -----------------------------------
def test_changes_and_student_views_are_audited(college, db, login):
    from app.models import AuditLog
    client = login("director")
    client.get(f"/studentview/show/{college.student3.id}")
    response = client.post(f"/groupview/edit/{college.group_b.id}", data={
        "name": "ИС-24-2к", "specialty": college.specialty.id, "admission_year": "2024",
        "graduation_date": "2028-06-30", "curator": college.curator2.id, "status": "active"})
    assert response.status_code == 302
    entries = db.session.scalars(select(AuditLog).where(AuditLog.username == "director")
                                 .where(AuditLog.action != "login").order_by(AuditLog.id)).all()
    assert [(e.action, e.object_type) for e in entries] == [("view", "student"),
                                                            ("update", "student_group")]
    assert entries[0].object_id == str(college.student3.id)
    assert '"name": ["ИС-24-2", "ИС-24-2к"]' in entries[1].details


@pytest.mark.parametrize("username,url", [("director", "/"), ("it", "/studentview/list/"),
                                          ("teacher1", "/journal/")])
def test_page_reads_role_permissions_once(app, college, db, login, username, url):
    """The menu checks ~50 permissions per page: the worker reads the roles' permissions
    once per version (tests/test_permission_version.py), not once per menu item, and not
    again on the next page while the version stands."""
    client = login(username)
    with app.app_context(), counted(db) as statements:
        assert client.get(url).status_code == 200
    permission_reads = [s for s in statements if "ab_permission_view_role" in s]
    assert len(permission_reads) <= 1, f"{len(permission_reads)} permission queries"
    with app.app_context(), counted(db) as statements:
        response = client.get(url)
    assert response.status_code == 200
    permission_reads = [s for s in statements if "ab_permission_view_role" in s]
    assert not permission_reads, f"{len(permission_reads)} permission queries"
    page = response.get_data(as_text=True)
    assert "Выход" in page or "Выйти" in page


def test_role_change_applies_from_the_next_request(app, college, db, login):
    """A role given to an account applies from its next login (the change ends its
    sessions); the worker's copy of the roles' permissions is not in the way."""
    client = login("teacher1")
    assert client.get("/users/list/").status_code in (302, 403)
    sm = app.appbuilder.sm
    teacher = db.session.get(User, college.users["teacher1"].id)
    teacher.roles.append(sm.find_role("IT"))
    db.session.commit()
    # a role change ends the account's sessions (SECURITY.md); the next login has the new role
    assert client.get("/users/list/").status_code == 302
    assert login("teacher1").get("/users/list/").status_code == 200


# --- list arguments (finding 9) ----------------------------------------------------------------
def _lists(app):
    """(view, list URL) of every registered model view with a list page."""
    from flask_appbuilder.baseviews import BaseCRUDView
    with app.test_request_context():
        from flask import url_for
        return [(v, url_for(f"{v.endpoint}.list")) for v in app.appbuilder.baseviews
                if isinstance(v, BaseCRUDView) and "list" in dir(v)
                and f"{v.endpoint}.list" in app.view_functions]


BAD_LIST_ARGS = [
    "_oc_{name}=foo", "_oc_{name}={col}&_od_{name}=bad", "_flt_0_nosuch=x",
    "_flt_{over}_{search}=x", "psize_{name}=-1", "psize_{name}=100000000", "psize_{name}=abc",
    "page_{name}=-1", "page_{name}=x", "page_{name}=99999999999999999999",
]


def test_every_list_refuses_unknown_sort_filter_and_paging_with_400(app, college, login):
    lists = _lists(app)
    assert len(lists) >= 20
    client = login("admin")
    for view, url in lists:
        name = type(view).__name__
        col = (view.order_columns or ["id"])[0]
        search = (view.search_columns or ["id"])[0]
        for pattern in BAD_LIST_ARGS:
            over = len(view._filters._all_filters.get(search, []))  # one past the last
            query = pattern.format(name=name, col=col, search=search, over=over)
            r = client.get(f"{url}?{query}")
            body = r.get_data(as_text=True)
            assert r.status_code == 400, (url, query, r.status_code)
            assert "Неизвестн" in body or "Неверный номер" in body or "Число строк" in body \
                or "Порядок сортировки" in body, (url, query)
        if view.order_columns:
            ok = client.get(f"{url}?_oc_{name}={col}&_od_{name}=desc&psize_{name}=25"
                            f"&page_{name}=0")
            assert ok.status_code == 200, (url, ok.status_code)


NONSENSE_VALUES = ("zzz", "-1", "99999999999999999999", "31.02.2025")


def _nonsense_values(view, column) -> tuple[str, ...]:
    """Every nonsense value for a number, date, flag or relation; one for a text column, which
    compares any of them as the same kind of text."""
    model = view.datamodel
    if model.is_string(column) or model.is_text(column):
        return NONSENSE_VALUES[:1]
    return NONSENSE_VALUES


def test_every_search_filter_with_a_nonsense_value_is_not_a_server_error(app, college, login):
    client = login("admin")
    tried = 0
    for view, url in _lists(app):
        filters = view._filters._all_filters
        for column in view.search_columns or []:
            for index in range(len(filters.get(column, []))):
                for value in _nonsense_values(view, column):
                    r = client.get(f"{url}?_flt_{index}_{column}={value}")
                    assert r.status_code < 500, (url, column, index, value, r.status_code)
                    tried += 1
    assert tried >= 500  # every list's filters (about a thousand requests), not an empty loop


def test_number_and_yes_no_filters_compare_as_values_on_every_database(app, college, db, login):
    """FAB sends these as text (PostgreSQL refuses numeric = varchar, boolean = varchar)."""
    client = login("admin")
    page = client.get("/teachingloadview/list/?_flt_0_hours=48").get_data(as_text=True)
    assert "Сидоров" in page and "Операционные системы" not in page  # the 48-hour loads only
    blocked = db.session.get(User, college.users["teacher2"].id)
    blocked.active = False
    db.session.commit()
    page = client.get("/users/list/?_flt_0_active=n").get_data(as_text=True)
    assert blocked.username in page and ">teacher1<" not in page.replace(" ", "")
    page = client.get("/users/list/?_flt_0_active=y").get_data(as_text=True)
    assert ">teacher1<" in page.replace(" ", "").replace("\n", "")


def test_roles_and_permissions_read_in_russian(college, login):
    """27: the administrator's roles and permissions screens named permissions and screens by
    their codes (`can_add`, `AbsenceDocumentView`); now by what people read in the menus."""
    admin = login("admin")
    pairs = admin.get("/permissionviews/list/?psize_PermissionViewModelView=500")
    assert pairs.status_code == 200
    text = pairs.get_data(as_text=True)
    assert "Документы о пропусках" in text and "пункт меню" in text
    for code in ("can_add", "menu_access", "AbsenceDocumentView", "CuratorView"):
        assert f">{code}<" not in text.replace(" ", "").replace("\n", ""), code
    names = admin.get("/permissions/list/?psize_PermissionModelView=200").get_data(as_text=True)
    assert "выдача учётных данных" in names and ">can_credentials<" not in names.replace(
        " ", "").replace("\n", "")
    roles = admin.get("/roles/list/").get_data(as_text=True)
    assert "Преподаватель" in roles and "сетка журнала — Журналы" in roles
    assert "can_grid" not in roles and "menu access on" not in roles
