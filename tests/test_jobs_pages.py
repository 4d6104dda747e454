"""The job queue's pages: IT's `/jobs/` (every duty, its next run in the college's clock, the
week's failures, the test mail through the queue) refused to others; a long job's progress
endpoint and page, its file, its Russian failure; the row rule (own jobs; IT every one)."""
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.jobs.mail import TEST_SUBJECT
from app.models import JobRecord
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.jobs_helpers import Mailbox, free_port, queued, run_pending
from tests.live_server import browser_login
from tests.factories import PASSWORD


@pytest.fixture()
def mailbox(app):
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield handler
    controller.stop()
    app.config.update(saved)


def test_it_sees_every_duty_with_its_next_run_and_others_are_refused(college, login, app):
    app.config["JOURNAL_NOW"] = "2026-12-04T07:00:00"  # Friday 15:00 in the college
    try:
        page = login("it").get("/jobs/")
        text = page.get_data(as_text=True)
    finally:
        app.config["JOURNAL_NOW"] = ""
    assert page.status_code == 200
    for title in ("Доставка почты из очереди", "Резервная копия с проверкой и ротацией",
                  "Еженедельные отчёты родителям по расписанию кураторов"):
        assert title in text
    assert "05.12.2026 02:30" in text  # the nightly backup, the college's 02:30
    assert "JOB_BACKUP_AT=02:30" in text and "Сбоев не было" in text
    for username in ("teacher1", "curator1", "director", "student1", "parent1"):
        assert login(username).get("/jobs/").status_code in (302, 403), username
        assert login(username).post("/jobs/test-mail",
                                    data={"address": "x@mail.test"}).status_code in (302, 403)
    result = app.test_cli_runner().invoke(args=["journal", "jobs"])
    assert result.exit_code == 0 and "backup" in result.output
    assert "следующий запуск" in result.output


def test_the_test_mail_goes_through_the_queue_and_its_state_shows(college, login, mailbox, db,
                                                                   app):
    client = login("it")
    with queued():
        answer = client.post("/jobs/test-mail", data={"address": "it@mail.test"})
        assert answer.status_code == 302 and "/jobs/" in answer.headers["Location"]
        job = db.session.scalars(select(JobRecord)).one()
        assert job.state == "queued" and mailbox.received == []  # the page sent nothing
        status = client.get(f"/jobs/{job.id}/status").get_json()
        assert status["state"] == "queued"
        assert run_pending() == 1
    assert mailbox.subjects() == [("it@mail.test", TEST_SUBJECT)]
    status = client.get(f"/jobs/{job.id}/status").get_json()
    assert status["state"] == "done" and "it@mail.test" in status["result"]
    bad = client.post("/jobs/test-mail", data={"address": "not an address"})
    assert bad.status_code == 302
    assert "Укажите адрес" in client.get("/jobs/").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["journal", "send-test-mail", "нет@"])
    assert result.exit_code != 0 and "Укажите адрес" in result.output
    assert db.session.scalar(select(func.count()).select_from(JobRecord)) == 1


def test_a_refused_test_mail_shows_the_servers_answer(college, login, app, db):
    port = free_port()  # nothing listens: the server is down; no attempt left after one
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    client = login("it")
    client.post("/jobs/test-mail", data={"address": "it@mail.test"})
    job = db.session.scalars(select(JobRecord)).one()
    status = client.get(f"/jobs/{job.id}/status").get_json()
    assert status["state"] in ("queued", "failed") and "соединение отклонено" in status["error"]
    app.config.update(MAIL_SERVER="localhost", MAIL_PORT=25)


def test_the_debts_register_built_in_the_background_with_progress_and_file(college, login, db):
    client = login("deputy")
    with queued():
        answer = client.post("/jobs/start/debts_xlsx", data={"status": "all"})
        assert answer.status_code == 302
        job_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
        page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
        assert 'id="job-bar"' in page and "js/job_progress.js" in page
        status = client.get(f"/jobs/{job_id}/status").get_json()
        assert (status["state"], status["progress"]) == ("queued", 0)
        run_pending()
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == "done" and status["progress"] == 100
    assert status["download"] == f"/jobs/{job_id}/download" and status["file"] == "debts.xlsx"
    book = client.get(status["download"])
    assert book.status_code == 200 and book.data[:2] == b"PK"
    # the row rule: another user's job is not found; IT sees it
    assert login("teacher1").get(f"/jobs/{job_id}/status").status_code == 404
    assert login("teacher1").get(f"/jobs/{job_id}/download").status_code == 404
    assert login("it").get(f"/jobs/{job_id}/status").status_code == 200
    assert f"/jobs/{job_id}" in login("it").get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{job_id}\"" not in login("teacher1").get("/jobs/mine").get_data(as_text=True)


def test_a_failed_job_says_why_in_russian(college, login, db):
    client = login("it")
    answer = client.post("/jobs/start/archive", data={"year": "1999/2000"})
    job_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == "failed" and "1999/2000" in status["error"]
    assert "не найден" in status["error"] and "download" not in status
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "не найден" in page and "alert-danger" in page


def test_a_job_is_refused_to_a_role_that_may_not_run_it(college, login, db):
    assert login("teacher1").post("/jobs/start/backup").status_code == 403
    assert login("teacher1").post("/jobs/start/archive", data={"year": "x"}).status_code == 403
    assert login("it").post("/jobs/start/nothing").status_code == 404
    assert db.session.scalars(select(JobRecord)).all() == []


def test_the_progress_bar_moves_to_the_download_link(college, db, live_server, browser):
    with queued():
        page = browser_login(browser, live_server, "deputy", PASSWORD)
        page.goto(live_server + "/debts/?status=all")
        page.click("#debts-xlsx-job button")
        page.wait_for_selector("#job-bar")
        assert page.get_attribute("#job", "data-state") == "queued"
        run_pending()
        page.wait_for_selector("#job-download", state="visible", timeout=10000)
        assert page.inner_text("#job-bar").strip() == "100 %"
        assert page.inner_text("#job-state") == "выполнено"
        page.set_viewport_size({"width": 390, "height": 800})  # a phone: the bar and link fit
        bar, link = page.locator("#job-bar").bounding_box(), page.locator("#job-download")
        assert bar["x"] + bar["width"] <= 390 and link.is_visible()


def test_an_import_runs_as_a_job_all_or_nothing(college, login, db):
    import io

    from app.models import Student
    from tests.test_import import MOTHER, STUDENT_HEADER, csv_bytes, student_row
    client = login("director")
    good = csv_bytes(STUDENT_HEADER, [student_row(parents=[MOTHER])])
    bad = csv_bytes(STUDENT_HEADER, [student_row(last="Петров"), student_row(born="31.02.2009")])
    before = db.session.scalar(select(func.count()).select_from(Student))

    def start(data):
        answer = client.post("/jobs/start/import", content_type="multipart/form-data",
                             data={"kind": "students", "file": (io.BytesIO(data), "s.csv")})
        assert answer.status_code == 302
        job_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
        return client.get(f"/jobs/{job_id}/status").get_json()
    refused = start(bad)
    assert refused["state"] == "failed" and "Файл не загружен" in refused["error"]
    assert "Строка 3" in refused["error"]
    assert db.session.scalar(select(func.count()).select_from(Student)) == before
    loaded = start(good)
    assert loaded["state"] == "done" and "Загружено" in loaded["result"]
    assert db.session.scalar(select(func.count()).select_from(Student)) == before + 1
    assert login("teacher1").post("/jobs/start/import", content_type="multipart/form-data",
                                  data={"kind": "students", "file": (io.BytesIO(good), "s.csv")}
                                  ).status_code == 403
