"""Weekly report to parents (3.3, 5.2) through a real SMTP server on 127.0.0.1 (aiosmtpd):
recipients, Russian subject and body with the week's marks; a refused address does not stop
the others; sending twice sends nothing new."""
import asyncio
import re
import socket
import time
from datetime import date
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.models import Parent, StudentParent, WeeklyReportDelivery
from app.services.portal import weekly_reports
from tests.fast_hashing import fast_password_hashing  # noqa: F401
from tests.jobs_helpers import queued, run_pending
from tests.portal_helpers import fixed_today, seed_record  # noqa: F401

BAD = "bad@mail.test"


class Recorder:
    """Accepts every address except those in `refuse` (550), keeps what it receives."""

    def __init__(self):
        self.received = []
        self.refuse = {BAD}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def smtp(app):
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                            "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USERNAME="")
    try:
        yield handler
    finally:
        controller.stop()
        app.config.update(saved)


@pytest.fixture()
def c(college, db, fixed_today):  # noqa: F811
    seed_record(db, college)
    popov, vasilieva = college.students[2], college.students[3]
    for child, last, email in ((popov, "Попова", BAD), (vasilieva, "Васильев", "v@mail.test")):
        parent = Parent(last_name=last, first_name="Нина", email=email)
        db.session.add(parent)
        db.session.flush()
        db.session.add(StudentParent(student_id=child.id, parent_id=parent.id))
    db.session.commit()
    return college


def run_command(app, week="2025-10-15"):
    return app.test_cli_runner().invoke(args=["journal", "weekly-reports", "--group",
                                              "ИС-24-1", "--week", week])


def by_recipient(smtp):
    return {rcpt[0]: message for rcpt, message in smtp.received}


def test_command_sends_through_smtp(app, c, smtp, db):
    result = run_command(app)
    assert result.exit_code == 1  # one address refused: reported, the rest delivered
    assert "ОШИБКА" in result.output and BAD in result.output and "550" in result.output
    mails = by_recipient(smtp)
    assert set(mails) == {"parent1@mail.test", "v@mail.test"}  # parent2's child is adult
    first = mails["parent1@mail.test"]
    assert first["Subject"] == ("Еженедельный отчёт: Смирнов А.И., группа ИС-24-1, "
                                "13.10.2025–18.10.2025")
    body = first.get_content()
    assert "Смирнов Артём Игоревич" in body
    assert "13.10.2025 ОП.01 Операционные системы: 5, 4" in body
    assert "15.10.2025 ОП.01 Операционные системы: болезнь" in body
    assert "Прочитать главу 3" in body and "Лабораторная работа №2" in body
    assert "14.10.2025 МДК.01.01 Разработка программных модулей: 4" in (
        mails["v@mail.test"].get_content())  # her own subgroup's mark
    rows = {d.recipient_email: d for d in db.session.scalars(select(WeeklyReportDelivery))}
    assert rows["parent1@mail.test"].status == "sent"
    assert rows[BAD].status == "failed" and "550" in rows[BAD].error
    assert rows["parent1@mail.test"].week_start == date(2025, 10, 13)

    # again: nothing new for the delivered ones; the refused one is retried
    result = run_command(app, "17.10.2025")
    assert "уже отправлено ранее" in result.output and len(smtp.received) == 2
    smtp.refuse = set()
    result = run_command(app, "13.10.2025")
    assert result.exit_code == 0 and len(smtp.received) == 3
    assert smtp.received[-1][0] == [BAD]
    db.session.expire_all()
    assert {d.status for d in db.session.scalars(select(WeeklyReportDelivery))} == {"sent"}
    assert run_command(app).output.count("уже отправлено ранее") == 3
    assert len(smtp.received) == 3


def test_command_refuses_bad_input(app, c, smtp):
    result = app.test_cli_runner().invoke(args=["journal", "weekly-reports", "--group", "НЕТ",
                                                "--week", "13.10.2025"])
    assert result.exit_code != 0 and "Группа не найдена" in result.output
    result = run_command(app, "31.02.2025")
    assert result.exit_code != 0 and "Неверная дата недели" in result.output
    assert smtp.received == []


def send_from_page(client, group_id, week="15.10.2025"):
    """The curator presses «Отправить»: the e-mails are queued, the worker delivers them (in
    the caller here: the queue's immediate mode)."""
    return client.post(f"/weekly/{group_id}/send", data={"week": week})


def states(db):
    db.session.expire_all()
    return {d.recipient_email: d.status for d in db.session.scalars(select(WeeklyReportDelivery))}


def test_curator_page_print_and_send(c, smtp, login, db):
    client = login("curator1")
    url = f"/weekly/{c.group_a.id}?week=15.10.2025"
    page = client.get(url).get_data(as_text=True)
    assert "Смирнов Артём Игоревич" in page and "5, 4" in page and "болезнь" in page
    assert "Неудовлетворительные оценки" in page  # Попов's «2»
    # the summary table comes first: per student marks, average, absences by reason
    assert page.index('id="weekly-summary"') < page.index("Прочитать главу 3")
    assert "не отправляется: обучающийся совершеннолетний" in page  # parent2's child is adult
    printable = client.get(f"/weekly/{c.group_a.id}/print?week=15.10.2025")
    assert printable.status_code == 200 and "@media print" in printable.get_data(as_text=True)
    assert client.get(f"/weekly/{c.group_a.id}?week=xx").status_code == 400
    answer = send_from_page(client, c.group_a.id)
    assert answer.status_code == 302
    assert states(db) == {"parent1@mail.test": "sent", "v@mail.test": "sent", BAD: "failed"}
    text = client.get(url).get_data(as_text=True)
    assert text.count('id="mailing-message"') == 1 and "Не доставлено писем: 1" in text
    assert BAD in text and "550" in text and "Повторить" in text
    assert {r[0][0] for r in smtp.received} == {"parent1@mail.test", "v@mail.test"}
    send_from_page(client, c.group_a.id)  # again: the delivered ones are not sent twice
    assert len(smtp.received) == 2
    assert "отправлено" in client.get(url).get_data(as_text=True)


def test_summary_counts_marks_and_absences(c, db):
    rows = {r["student"].id: r["summary"]
            for r in weekly_reports.build(c.group_a, date(2025, 10, 13))}
    smirnov = rows[c.student1.id]
    assert smirnov["marks"] == 4  # 5, 4, 3 and «зач»: the credit mark is counted, not averaged
    assert smirnov["average"] == 4.0
    assert smirnov["absences"] == 1 and smirnov["excused"] == 1 and smirnov["unexcused"] == 0
    popov = rows[c.students[2].id]
    assert popov["failing"] == 1 and popov["unexcused"] == 1


def test_no_mail_server_one_message_then_retry(c, app, login, db):
    """Mail server absent (closed port), no attempt left (MAIL_ATTEMPTS=1): the page answers
    at once, the e-mails end «failed» with one message; «Повторить» delivers once the server is
    up."""
    port = _free_port()  # nothing listens here: connection refused
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                            "MAIL_USERNAME", "MAIL_ATTEMPTS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_USERNAME="", MAIL_ATTEMPTS=1)
    controller = None
    try:
        client = login("curator1")
        url = f"/weekly/{c.group_a.id}?week=15.10.2025"
        assert send_from_page(client, c.group_a.id).status_code == 302
        assert set(states(db).values()) == {"failed"} and len(states(db)) == 3
        page = client.get(url).get_data(as_text=True)
        assert page.count("alert-danger") == 1 and "Не доставлено писем: 3" in page
        assert "Errno" not in page and "соединение отклонено" in page
        handler = Recorder()
        handler.refuse = set()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        failed = db.session.scalars(select(WeeklyReportDelivery).where(
            WeeklyReportDelivery.recipient_email == "v@mail.test")).one()
        assert client.post(f"/weekly/delivery/{failed.id}/retry").status_code == 302
        assert states(db)["v@mail.test"] == "sent"
        assert [r[0] for r in handler.received] == [["v@mail.test"]]
        # a sent e-mail cannot be «retried»; the other curator may not touch this group's mail
        assert client.post(f"/weekly/delivery/{failed.id}/retry").status_code == 400
        other = db.session.scalars(select(WeeklyReportDelivery).where(
            WeeklyReportDelivery.recipient_email == BAD)).one()
        assert login("curator2").post(f"/weekly/delivery/{other.id}/retry").status_code == 403
        # the manual command finds nothing left in the queue
        client.post(f"/weekly/delivery/{other.id}/retry")
        assert states(db)[BAD] == "sent"
        result = app.test_cli_runner().invoke(args=["journal", "deliver-mail"])
        assert result.exit_code == 0 and "Отправлено писем: 0" in result.output
        assert len(handler.received) == 2
    finally:
        if controller is not None:
            controller.stop()
        app.config.update(saved)


class SlowServer(Recorder):
    """Answers each message after a pause, like a busy mail server."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(1.5)
        return await super().handle_DATA(server, session, envelope)


def test_sending_does_not_hold_the_page(c, app, login, db):
    handler = SlowServer()
    handler.refuse = set()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                            "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USERNAME="")
    try:
        client = login("curator1")
        with queued():
            started = time.monotonic()
            answer = client.post(f"/weekly/{c.group_a.id}/send", data={"week": "15.10.2025"})
            took = time.monotonic() - started
            assert answer.status_code == 302 and took < 1.5  # three e-mails would take 4.5 s
            page = client.get(f"/weekly/{c.group_a.id}?week=15.10.2025").get_data(as_text=True)
            assert "ожидает отправки" in page
            assert run_pending() == 1  # the worker's one delivery task
        assert set(states(db).values()) == {"sent"} and len(handler.received) == 3
    finally:
        controller.stop()
        app.config.update(saved)


def test_queue_claims_each_email_once(c, smtp, db):
    """Two deliverers on the same queue: every e-mail goes out once (the claim is one UPDATE)."""
    smtp.refuse = set()
    queued = weekly_reports.queue(c.group_a, date(2025, 10, 13))
    db.session.commit()
    assert {d.status for d in queued["queued"]} == {"waiting"}
    first = weekly_reports.deliver()
    second = weekly_reports.deliver()
    assert len(first["sent"]) == 3 and second == {"sent": [], "failed": []}
    assert len(smtp.received) == 3


def test_an_email_another_deliverer_is_sending_is_not_sent_again(c, smtp, db):
    """A queued e-mail another deliverer took a moment ago stays with it; one whose deliverer
    stopped long ago (older than the claim timeout) is taken again."""
    from datetime import timedelta
    smtp.refuse = set()
    queued = weekly_reports.queue(c.group_a, date(2025, 10, 13))["queued"]
    busy, stale = queued[0], queued[1]
    busy.status, busy.attempted_at = "sending", weekly_reports.now()
    stale.status = "sending"
    stale.attempted_at = weekly_reports.now() - weekly_reports.STALE_CLAIM - timedelta(minutes=1)
    db.session.flush()
    busy_id, stale_id = busy.id, stale.id
    db.session.commit()
    result = weekly_reports.deliver()
    assert len(result["sent"]) == 2 and len(smtp.received) == 2
    assert db.session.get(WeeklyReportDelivery, busy_id).status == "sending"
    assert db.session.get(WeeklyReportDelivery, stale_id).status == "sent"


def test_weekly_reports_rights(c, smtp, login):
    assert login("curator2").get(f"/weekly/{c.group_a.id}").status_code == 403
    assert login("curator2").post(f"/weekly/{c.group_a.id}/send",
                                  data={"week": "15.10.2025"}).status_code == 403
    assert login("teacher1").get(f"/weekly/{c.group_a.id}").status_code in (302, 403)
    assert login("parent1").get(f"/weekly/{c.group_a.id}").status_code in (302, 403)
    assert login("director").get(f"/weekly/{c.group_a.id}").status_code == 200
    assert smtp.received == []


def test_remarks_count_absences_without_a_good_reason(c, db):
    """3.3: an absence with no reason or an unexcused one is a remark; illness is not."""
    from app.models import JournalCell
    week = weekly_reports.build(c.group_a, date(2025, 10, 13))
    by_student = {r["student"].id: r for r in week}
    assert not any("без уважительной" in m for m in by_student[c.student1.id]["remarks"])
    assert "Пропуски без уважительной причины: 1." in by_student[c.students[2].id]["remarks"]
    cell = db.session.scalar(select(JournalCell).where(
        JournalCell.lesson_id == c.les_op2.id, JournalCell.student_id == c.student1.id))
    cell.absence_reason = "unexcused"
    db.session.commit()
    week = weekly_reports.build(c.group_a, date(2025, 10, 13))
    remarks = {r["student"].id: r["remarks"] for r in week}[c.student1.id]
    assert "Пропуски без уважительной причины: 1." in remarks


def test_summary_keeps_unexcused_absences_apart_from_excused(c, db):
    """5.2: the summary splits a student's absences; one without a good reason is not counted
    among the excused ones."""
    rows = {r["student"].id: r for r in weekly_reports.build(c.group_a, date(2025, 10, 13))}
    popov = rows[c.students[2].id]
    unexcused = [a for a in popov["absences"] if a["unexcused"]]
    assert unexcused, "в неделе есть пропуск без уважительной причины"
    summary = popov["summary"]
    assert summary["unexcused"] == len(unexcused)
    assert summary["excused"] == len(popov["absences"]) - len(unexcused)
    assert summary["excused"] + summary["unexcused"] == summary["absences"]


# --- the family reads what was sent (issue 27) -----------------------------------------------
def _letter(db, student, week, text, email="parent@mail.test"):
    db.session.add(WeeklyReportDelivery(student_id=student.id, week_start=week,
                                        recipient_email=email, status="sent",
                                        subject=f"Отчёт {text}", body=f"Текст {text}"))


def test_the_family_reads_the_weekly_reports_as_sent(app, c, smtp, login, db):
    run_command(app)
    mail = by_recipient(smtp)["parent1@mail.test"]
    stored = db.session.scalar(select(WeeklyReportDelivery).where(
        WeeklyReportDelivery.recipient_email == "parent1@mail.test"))
    assert stored.subject == mail["Subject"] and stored.body.strip() == mail.get_content().strip()
    # an adult student's report, sent before: the student reads it, the parent no longer
    _letter(db, c.student2, date(2025, 10, 6), "Кузнецовой")
    db.session.commit()
    for username in ("parent1", "student1"):
        page = login(username).get("/portal/weekly-reports").get_data(as_text=True)
        assert "Еженедельный отчёт: Смирнов А.И., группа ИС-24-1" in page, username
        assert "13.10.2025 ОП.01 Операционные системы: 5, 4" in page, username
        assert "Кузнецовой" not in page, username  # another student's report
    own = login("student2").get("/portal/weekly-reports").get_data(as_text=True)
    assert "Текст Кузнецовой" in own and "Смирнов А.И." not in own
    adult = login("parent2").get("/portal/weekly-reports").get_data(as_text=True)
    assert "Кузнецовой" not in adult and "Доступ прекращён" in adult
    assert 'id="weekly-received-none"' in adult


def test_the_weekly_reports_received_are_paged_newest_first(c, login, db):
    for n in range(12):
        _letter(db, c.student1, date(2025, 6, 2) + (date(2025, 6, 9) - date(2025, 6, 2)) * n,
                f"№{n:02d}")
    _letter(db, c.student1, date(2025, 6, 2), "второму родителю", email="other@mail.test")
    db.session.commit()
    client = login("parent1")
    first = client.get("/portal/weekly-reports").get_data(as_text=True)
    order = [int(n) for n in re.findall(r"Текст №(\d\d)", first)]
    assert order == list(range(11, 1, -1))
    second = client.get("/portal/weekly-reports?page=2").get_data(as_text=True)
    # one letter a week: the one sent to both parents is listed once
    assert second.count("Текст ") == 2 and "Текст №01" in second
    assert client.get("/portal/weekly-reports?page=x").status_code == 400
    assert client.get("/weekly/").status_code in (302, 403)  # the curator's page is not theirs
