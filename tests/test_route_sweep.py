"""No request answers 500 (SECURITY.md "No 500 from FAB's own routes"): every rule of
`app.url_map` with junk in its path — an unknown action name, an id that names no row, a word
where a number is expected — and in its list arguments (page, order, filter, a related view the
list does not have). GET rules are read; POST, PUT and DELETE rules are sent with a valid CSRF
token, as a logged-in user's browser would send them.

Each role sends to every rule it may reach (app/security/access.py) and to every model view's
actions, with each action the view declares and with one it does not; a student and an
anonymous visitor send to every rule, the way in for anyone refused. (Refusals themselves are
the access matrix's, tests/test_access_matrix.py.)"""
import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.security.matrix import endpoint_rules, expected_allowed
from tests.fast_hashing import fast_password_hashing  # noqa: F401

USERS = ["it", "director", "deputy", "teacher1", "curator1", "student1", "parent1", "admin",
         None]
EVERY_RULE = ("student1", None)  # the refused: every rule, allowed to them or not
# They end or change the caller's own session (covered by their own tests)
NOT_SENT = {"AuthDBView.logout", "LocaleView.index"}
MISSING_ID = "999999"
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
# a list's own arguments out of range, and the arguments of a related view it does not have
JUNK_QUERIES = ("?page_{v}=x&psize_{v}=-1&_oc_{v}=nope&_od_{v}=up&_flt_0_nope=1",
                "?_oc_NoSuchView=nope&_od_NoSuchView=asc&page_NoSuchView=1"
                "&psize_NoSuchView=5&_flt_0_NoSuchView=1")


def _paths(rule) -> list[str]:
    """The rule's path with junk arguments: ids that name no row (and an action name that no
    view declares), then, for rules with text arguments, a word where a number is expected."""
    converters = {name: kind or "string" for kind, name in ARGUMENT.findall(rule.rule)}
    if not converters:
        return [rule.rule]
    variants = [{name: "no-such-action" if name == "name" else MISSING_ID
                 for name in converters}]
    if any(kind in ("string", "path") for kind in converters.values()):
        variants.append({name: MISSING_ID if kind in ("int", "float") else "x"
                         for name, kind in converters.items()})
    return [ARGUMENT.sub(lambda m, v=values: v[m.group(2)], rule.rule) for values in variants]


def _actions(view, rule) -> list[tuple[str, dict]]:
    """A model view's action routes: (path, form) for an unknown action and for each action
    the view declares, on a row that is not there, on a key that is no number, on no row."""
    sends = [(path, {"action": "no-such-action", "rowid": [MISSING_ID, "x"]})
             for path in _paths(rule)]
    names = list(getattr(view, "actions", None) or ())
    if rule.endpoint.endswith(".action_post"):
        sends += [(rule.rule, {"action": name, "rowid": rowid})
                  for name in names for rowid in ([MISSING_ID], ["x"], [])]
    else:
        base = rule.rule.split("/action/")[0]
        sends += [(f"{base}/action/{name}/{pk}", {}) for name in names
                  for pk in (MISSING_ID, "x")]
    return sends


def _csrf_token(app, client) -> str:
    """A valid CSRF token for the client's session, as Flask-WTF signs it into a form."""
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", "sweep" + "0" * 35)
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


def _requests(app, who, roles):
    """(method, path, form or None) of everything `who` sends."""
    declared = {(r.endpoint, r.url): r for r in endpoint_rules(app)}
    views = {v.blueprint.name: v for v in app.appbuilder.baseviews
             if getattr(v, "blueprint", None) is not None}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_SENT or rule.endpoint.endswith("static"):
            continue
        entry = declared[(rule.endpoint, rule.rule)]
        view = views.get(rule.endpoint.rpartition(".")[0])
        if entry.kind == "inline":  # an unknown action is refused alike for any role
            if who in EVERY_RULE or who == "admin":
                yield from (("POST", path, form) for path, form in _actions(view, rule))
            continue
        if who not in EVERY_RULE and not expected_allowed(entry, roles):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET" and not rule.arguments:
                # a page as it is is the access matrix's; here its list arguments are junk
                if who == "admin" and hasattr(view, "datamodel"):
                    yield from ((method, rule.rule + query.format(v=type(view).__name__), None)
                                for query in JUNK_QUERIES)
                continue
            for path in _paths(rule):
                yield method, path, None


@pytest.mark.usefixtures("fast_password_hashing")
def test_no_rule_answers_500_to_any_role(app, college, login, db):
    clients = {who: login(who) if who else app.test_client() for who in USERS}
    # the token is sent as a browser sends it; the check itself stays as the tests configure
    # it (turned on for a whole walk, FAB's forms built during it keep a CSRF field that
    # later tests' pages do not have), so every request is one whose token would pass
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure answers 500, as in production
    failures, sent = [], 0
    try:
        for who, client in clients.items():
            token = _csrf_token(app, client)
            roles = [r.name for r in college.users[who].roles] if who else []
            for method, path, form in _requests(app, who, roles):
                if method == "GET":
                    response = client.get(path)
                elif path.startswith("/api/"):
                    response = client.open(path, method=method, json={},
                                           headers={"X-CSRFToken": token})
                else:
                    response = client.open(path, method=method,
                                           data={"csrf_token": token, **(form or {})},
                                           headers={"X-CSRFToken": token})
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"{who} {method} {path} {form or ''}: "
                                    f"{response.status_code}")
                db.session.rollback()
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert sent > 2000, sent
    assert failures == []


def _form_post(app, client, path, **form):
    token = _csrf_token(app, client)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        return client.post(path, data={"csrf_token": token, **form})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.usefixtures("fast_password_hashing")
def test_an_unknown_action_is_a_404_page_for_anyone(app, college, login, db):
    """The finding: a student's POST of an action no view declares answered 500."""
    for who in ("student1", "admin"):
        client = login(who)
        for view in ("groupview", "users", "roles"):
            r = _form_post(app, client, f"/{view}/action/no-such-action/1")
            assert r.status_code == 404, (who, view, r.status_code)
            assert "Нет такого действия: «no-such-action»." in r.get_data(as_text=True)
        r = _form_post(app, client, "/groupview/action_post", action="nope", rowid="1")
        assert r.status_code == 404


@pytest.mark.usefixtures("fast_password_hashing")
def test_an_action_on_a_row_that_is_not_there_is_a_404(app, college, login, db):
    admin = login("admin")
    for pk in ("999999", "x", "99999999999"):
        r = _form_post(app, admin, "/roles/action_post", action="copyrole", rowid=pk)
        assert r.status_code == 404, pk
        assert "Запись не найдена." in r.get_data(as_text=True)
        r = _form_post(app, admin, f"/users/action/resetpasswords/{pk}")
        assert r.status_code == 404, pk
    r = _form_post(app, admin, "/roles/action_post", action="copyrole")
    assert r.status_code == 400 and "Не выбрано ни одной записи." in r.get_data(as_text=True)
    role = college.users["student1"].roles[0]
    r = _form_post(app, admin, "/roles/action_post", action="copyrole", rowid=str(role.id))
    assert r.status_code == 302  # a real row: FAB's action runs
    # roles outlive the test (they are kept between tests): the copy goes, so that later
    # tests in this process see the roles of the portal only
    copy = app.appbuilder.sm.find_role(f"{role.name} copy")
    assert copy is not None
    db.session.delete(copy)
    db.session.commit()
    # copying is declared for ticked rows only, a password reset for one account's page only
    r = _form_post(app, admin, f"/roles/action/copyrole/{role.id}")
    assert r.status_code == 404 and "Нет такого действия" in r.get_data(as_text=True)
    user = college.users["student1"]
    r = _form_post(app, admin, "/users/action_post", action="resetpasswords", rowid=user.id)
    assert r.status_code == 404
    assert _form_post(app, admin, f"/users/action/resetpasswords/{user.id}").status_code == 302


@pytest.mark.usefixtures("fast_password_hashing")
def test_an_action_refused_to_the_role_tells_nothing_of_rows(app, college, login, db):
    """Rows are looked up only for those who may run the action: a student gets FAB's own
    refusal for a row that exists and for one that does not alike."""
    role = college.users["student1"].roles[0]
    student = login("student1")
    answers = {pk: _form_post(app, student, "/roles/action_post", action="copyrole", rowid=pk)
               for pk in (role.id, 999999)}
    assert {r.status_code for r in answers.values()} == {302}
    assert len({r.headers["Location"] for r in answers.values()}) == 1


@pytest.mark.usefixtures("fast_password_hashing")
def test_security_apis_answer_404_and_422_not_500(app, college, login, db):
    admin = login("admin")
    for pk in ("999999", "x"):
        assert admin.put(f"/api/v1/security/users/{pk}", json={}).status_code == 404
    assert admin.post("/api/v1/security/permissions-resources/", json={}).status_code == 422
    r = admin.post("/api/v1/security/roles/", json={"name": "Admin"})  # a name already taken
    assert r.status_code == 422


def test_405_names_the_allowed_methods(app, college, login, db):
    client = login("curator1")
    r = client.get("/curator/reason")
    assert r.status_code == 405
    assert set(r.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    r = client.delete(f"/api/v1/journals/{college.journal_a_op.id}/marks")
    assert r.status_code == 405 and "PUT" in r.headers["Allow"]
    assert r.get_json()["message"] == "Метод не поддерживается."
