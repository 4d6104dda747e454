"""One error type answered in one place (app/errors.py, app/web_errors.py): a DomainError raised
anywhere in a request is JSON under /api/, the error page for a page or a missing or forbidden
object, a flashed message and a redirect after a form; the transaction is rolled back. Every
service error is a DomainError, and views and APIs hold (almost) no try/except of their own."""
import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from sqlalchemy import func, select

import app as app_package
from app.errors import BadInput, Conflict, DomainError, Forbidden, NotFound, Refused
from app.models import Department
from app.services.assessment import sheet_reading
from app.services.control import checks as control
from app.web_errors import answer_refusal

APP_DIR = Path(app_package.__file__).parent
# Not about the user's input: a mail server that does not answer, a cell version that moved
# under a concurrent writer (caught inside marks.py). No other exception may stand apart.
INFRASTRUCTURE_ROOTS = {"app.infra.mailer.MailError", "app.services.journal.marks._Stale"}
MAX_VIEW_EXCEPTS = 15


def _app_modules():
    return [importlib.import_module(info.name)
            for info in pkgutil.walk_packages(app_package.__path__, "app.")]


def _exception_classes() -> dict[str, type]:
    found = {}
    for module in _app_modules():
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, BaseException) \
                    and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


# --- the one type -----------------------------------------------------------------------------
def test_the_error_carries_message_status_and_payload():
    exc = DomainError("Период закрыт.")
    assert (exc.message, exc.status, exc.payload, str(exc)) == ("Период закрыт.", 422, {},
                                                                "Период закрыт.")
    assert DomainError("нет", 404).status == 404
    assert Conflict("занято", payload={"current": 1}).payload == {"current": 1}
    assert [k.status for k in (BadInput, Forbidden, NotFound, Conflict, Refused)] == \
        [400, 403, 404, 409, 422]


def test_every_service_error_is_a_domain_error():
    found = _exception_classes()
    assert "app.errors.DomainError" in found
    apart = {name: cls for name, cls in found.items() if not issubclass(cls, DomainError)}
    roots = {name for name, cls in apart.items()
             if not any(cls is not other and issubclass(cls, other) for other in apart.values())}
    assert roots <= INFRASTRUCTURE_ROOTS, f"exceptions outside DomainError: {sorted(roots)}"


def test_the_families_keep_their_statuses():
    from app.services.control import absence_documents, completeness
    from app.services.journal import timetable
    from app.services.portal import record
    from app.services.practice import PracticeDenied, PracticeError
    assert completeness.BadInput.status == timetable.BadInput.status == 422
    assert (record.RecordError.status, record.RecordDenied.status) == (400, 403)
    assert absence_documents.DocumentTooLarge.status == 413
    assert (PracticeError.status, PracticeDenied.status) == (422, 403)


def _domain_error_names() -> set[str]:
    """Every name a module of app/ binds to a DomainError class (aliases included)."""
    return {name for module in _app_modules() for name, obj in vars(module).items()
            if inspect.isclass(obj) and issubclass(obj, DomainError)}


def _caught(node) -> list[str]:
    if isinstance(node, ast.Tuple):
        return [name for element in node.elts for name in _caught(element)]
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    return []


def test_views_and_apis_leave_refusals_to_the_handler():
    names = _domain_error_names()
    found = []
    for folder in ("views", "api"):
        for path in sorted((APP_DIR / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ExceptHandler) and node.type is not None \
                        and names & set(_caught(node.type)):
                    found.append(f"{path.relative_to(APP_DIR)}:{node.lineno}")
    assert len(found) <= MAX_VIEW_EXCEPTS, found


# --- the handler ------------------------------------------------------------------------------
def test_api_answers_json_with_the_payload(college, login, monkeypatch):
    def refuse(user, pk):
        raise Conflict("Журнал изменён.", payload={"conflicts": [{"lesson_id": 1}]})
    monkeypatch.setattr("app.api.journals.journal_for_read", refuse)
    r = login("teacher1").get(f"/api/v1/journals/{college.journal_a_op.id}/grid")
    assert r.status_code == 409
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.get_json() == {"message": "Журнал изменён.", "conflicts": [{"lesson_id": 1}]}


def test_api_answers_a_missing_row_as_json(college, login):
    r = login("teacher1").get("/api/v1/journals/999999/grid")
    assert r.status_code == 404 and set(r.get_json()) == {"message"}


def test_a_page_gets_the_error_page(college, login, monkeypatch):
    deputy = login("deputy")
    r = deputy.get("/sheets/999999/")
    assert r.status_code == 404 and "Ведомость не найдена." in r.get_data(as_text=True)

    def refuse(user, sheet_id):
        raise Refused("Ведомость не читается.")
    monkeypatch.setattr(sheet_reading, "sheet_data", refuse)
    r = deputy.get("/sheets/1/")
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "Ведомость не читается." in body and "<h2>422</h2>" in body


def test_a_refused_form_flashes_and_goes_back(college, login, monkeypatch):
    def refuse(*args, **kwargs):
        raise Refused("Дата проверки не может быть в будущем.")
    monkeypatch.setattr(control, "add_check", refuse)
    deputy = login("deputy")
    r = deputy.post("/deputy/check", data={"journal": college.journal_a_op.id,
                                           "findings": "замечаний нет"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/deputy/")
    page = deputy.get("/deputy/").get_data(as_text=True)
    assert "Дата проверки не может быть в будущем." in page and "alert-danger" in page


def test_a_forbidden_form_gets_the_error_page(college, login, monkeypatch):
    def refuse(*args, **kwargs):
        raise Forbidden("Это не ваш журнал.")
    monkeypatch.setattr(control, "add_check", refuse)
    r = login("deputy").post("/deputy/check", data={"journal": college.journal_a_op.id})
    assert r.status_code == 403 and "Это не ваш журнал." in r.get_data(as_text=True)


def test_an_undeclared_form_goes_back_to_its_page_on_this_site(app, db):
    with app.test_request_context("/nowhere", method="POST",
                                  headers={"Referer": "http://localhost/journal/?x=1"}):
        assert answer_refusal(Refused("Нет.")).headers["Location"] == \
            "http://localhost/journal/?x=1"
    with app.test_request_context("/nowhere?a=1", method="POST",
                                  headers={"Referer": "https://evil.example/journal/"}):
        assert answer_refusal(Refused("Нет.")).headers["Location"] == "/nowhere?a=1"


def test_the_handler_rolls_back(app, db):
    with app.test_request_context("/nowhere", method="POST"):
        db.session.add(Department(name="Кафедра отказа"))
        db.session.flush()
        answer_refusal(Refused("Нет."))
        db.session.commit()  # whatever the request commits afterwards
    assert db.session.scalar(select(func.count()).select_from(Department).where(
        Department.name == "Кафедра отказа")) == 0
