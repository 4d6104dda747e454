"""Audit log (4.1): an entry for each action kind, hash chain with tail detection, read-only
screen for IT with filters and export, append-only trigger on PostgreSQL."""
import io
import json

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app import labels
from app.models import AuditLog
from app.services.records import audit
from tests.print_helpers import table_rows
from tests.factories import PASSWORD

NEW_PASSWORD = "Nov-Parol-2025!x"


def fresh(login, username):
    """A logged-in client; forgets the user cached in the shared app context (`g`)."""
    g.pop("_login_user", None)
    return login(username)


def actions(db):
    db.session.expire_all()
    return [e.action for e in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]


def test_login_logout_and_failed_login_are_recorded_with_address(app, college, db):
    client = app.test_client()
    client.post("/login/", data={"username": "teacher1", "password": "wrong"},
                headers={"User-Agent": "TestBrowser/1.0"})
    client.post("/login/", data={"username": "nobody", "password": "wrong"})
    client.post("/login/", data={"username": "teacher1", "password": PASSWORD},
                headers={"User-Agent": "TestBrowser/1.0"})
    client.post("/logout/")
    got = actions(db)
    assert got[-4:] == ["login_failed", "login_failed", "login", "logout"]
    login = db.session.scalars(select(AuditLog).where(AuditLog.action == "login")).one()
    assert login.ip_address == "127.0.0.1" and login.user_agent == "TestBrowser/1.0"
    assert login.username == "teacher1"


def test_password_change_and_reset(app, college, db, login):
    client = login("teacher1")
    r = client.post("/resetmypassword/form", data={"current_password": PASSWORD,
                                                   "password": NEW_PASSWORD,
                                                   "conf_password": NEW_PASSWORD})
    assert r.status_code in (200, 302)
    app.appbuilder.sm.reset_password(college.teacher2.id, NEW_PASSWORD)  # by IT, no session
    got = actions(db)
    assert "password_change" in got and "password_reset" in got


def test_block_unblock_and_role_change_are_recorded_wherever_made(app, college, db, login):
    client = login("it")
    user = college.teacher2
    form = {"last_name": user.last_name, "first_name": user.first_name,
            "username": user.username, "email": user.email,
            "roles": [str(r.id) for r in user.roles]}
    r = client.post(f"/users/edit/{user.id}", data=form)  # `active` unchecked → blocked
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).active is False
    r = client.post(f"/users/edit/{user.id}", data=dict(form, active="y"))
    assert r.status_code == 302
    # a role change made anywhere (here straight through the ORM) is recorded too
    sm = app.appbuilder.sm
    target = db.session.get(type(user), college.teacher1.id)
    target.roles.append(sm.find_role("Curator"))
    db.session.commit()
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action.in_(
        ["account_block", "account_unblock", "role_change"])).order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == ["account_block", "account_unblock", "role_change"]
    assert entries[0].username == "it" and entries[0].object_id == str(user.id)
    assert json.loads(entries[2].details)["after"] == ["Curator", "Teacher"]
    assert audit.verify_chain()[0]


def _chain(db, n=5):
    for i in range(n):
        audit.record("record_view", "student", i, details={"i": i}, username="it")
    db.session.commit()


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["journal", *args])


def test_chain_verifies_and_cli_reports_ok(app, db):
    _chain(db)
    assert audit.verify_chain() == (True, None, "")
    result = _cli(app, "audit-verify")
    assert result.exit_code == 0 and "цел" in result.output


@pytest.fixture()
def raw(db):
    """Direct database access, as a DBA would have (the trigger is off in this fixture)."""
    def run(sql):
        db.session.rollback()  # the test's own session holds no locks while a DBA works
        with db.engine.begin() as conn:
            conn.execute(text(sql))
    return run


def test_edit_in_database_is_detected_and_named(app, db, raw):
    _chain(db)
    raw("UPDATE audit_log SET username = 'someone' WHERE id = 3")
    db.session.expire_all()
    ok, entry, reason = audit.verify_chain()
    assert not ok and entry.id == 3 and "№3" in reason
    result = _cli(app, "audit-verify")
    assert result.exit_code == 1 and "№3" in result.output


def test_deleted_middle_entry_is_detected(app, db, raw):
    _chain(db)
    raw("DELETE FROM audit_log WHERE id = 2")
    ok, entry, reason = audit.verify_chain()
    assert not ok and entry.id == 3 and "№3" in reason


def test_deleted_last_entries_are_detected(app, db, raw):
    _chain(db)
    raw("DELETE FROM audit_log WHERE id >= 4")
    ok, _entry, reason = audit.verify_chain()
    assert not ok and "№4" in reason and "№5" in reason
    result = _cli(app, "audit-verify")
    assert result.exit_code == 1 and "№4" in result.output


def test_chain_continues_after_new_entries_in_one_transaction(app, db):
    audit.record("export", "journal", 1)
    audit.record("export", "journal", 2)
    db.session.flush()
    audit.record("export", "journal", 3)
    db.session.commit()
    assert audit.verify_chain()[0]
    assert actions(db) == ["export"] * 3


def test_entries_cannot_be_changed_through_ui_or_api(app, college, db, login):
    _chain(db, 2)
    for username in ("admin", "it"):
        client = fresh(login, username)
        assert client.get("/audit/list/").status_code == 200
        assert client.get("/audit/show/1").status_code == 200
        assert client.get("/audit/edit/1").status_code in (403, 404)
        assert client.post("/audit/edit/1", data={"username": "x"}).status_code in (403, 404,
                                                                                   405)
        assert client.post("/audit/delete/1").status_code in (403, 404, 405)
        assert client.get("/audit/delete/1").status_code in (403, 404, 405)
        assert client.post("/audit/add", data={"action": "login"}).status_code in (403, 404,
                                                                                  405)
    # no role, Admin included, holds a writing permission on the log; no API serves it
    sm = app.appbuilder.sm
    for role in sm.get_all_roles():
        perms = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
        for perm in ("can_add", "can_edit", "can_delete"):
            assert (perm, "AuditLogView") not in perms
    assert not [r for r in app.url_map.iter_rules()
                if r.rule.startswith("/api/") and "audit" in r.rule.lower()]
    db.session.expire_all()
    assert [e.username for e in db.session.scalars(select(AuditLog).order_by(AuditLog.id))
            ][:2] == ["it", "it"]
    db.session.expire_all()
    assert audit.verify_chain()[0]


def test_only_it_and_admin_see_the_log(app, college, db, login):
    for username in ("teacher1", "deputy", "director", "curator1"):
        r = fresh(login, username).get("/audit/list/")
        assert r.status_code in (302, 403)


def test_filters_and_export(app, college, db, login):
    audit.record("record_view", "student", college.student1.id, user=college.teacher1)
    audit.record("record_view", "student", college.student2.id, user=college.curator1)
    audit.record("journal_view", "journal", college.journal_a_op.id, user=college.teacher1)
    db.session.commit()
    client = login("it")
    # who looked at student1's record: filter by object and action
    query = (f"_flt_0_action=record_view&_flt_0_object_type=student"
             f"&_flt_0_object_id={college.student1.id}")
    page = client.get(f"/audit/list/?{query}").get_data(as_text=True)
    assert "teacher1" in page and "curator1" not in page
    csv_body = client.get(f"/audit/export/csv?{query}").get_data().decode("utf-8-sig")
    lines = [line for line in csv_body.splitlines() if line]
    assert len(lines) == 2 and "teacher1" in lines[1]
    assert labels.action("record_view") in lines[1]  # the action as the screen names it
    xlsx = client.get("/audit/export/xlsx?_flt_0_username=teacher1")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = table_rows(sheet)
    assert rows[0][0] == "№" and {r[4] for r in rows[1:]} == {
        labels.action("record_view"), labels.action("journal_view")}
    assert client.get("/audit/export/pdf").status_code == 404
    # the exports themselves are audited
    exports = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).all()
    assert len(exports) == 2 and all(e.username == "it" for e in exports)
    assert fresh(login, "teacher1").get("/audit/export/csv").status_code in (302, 403)


def test_consistent_action_names():
    for name in ("journal_view", "record_view", "export", "lesson_create", "lesson_update",
                 "lesson_delete", "cell_change", "final_grade_change", "login", "login_failed",
                 "logout", "password_change", "password_reset", "account_block",
                 "account_unblock", "credentials_issue", "message_send"):
        assert name in audit.ACTIONS


def test_postgresql_trigger_refuses_update_and_delete(app, db, raw):
    if db.engine.dialect.name != "postgresql":
        assert audit.install_guard() is False
        return
    _chain(db, 3)
    result = _cli(app, "init", "--no-upgrade")
    assert result.exit_code == 0, result.output
    try:
        assert audit.install_guard()  # idempotent: a second run re-creates it
        assert audit.guard_installed()
        for sql in ("UPDATE audit_log SET username = 'x' WHERE id = 1",
                    "DELETE FROM audit_log WHERE id = 3"):
            with pytest.raises(Exception, match="append-only"):
                raw(sql)
        assert audit.verify_chain()[0]
    finally:
        raw("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")


# --- keyed chain (issue 11, finding 2): the key is not in the database ----------------------
def _rehash_without_key(db, raw, start_id, change_sql):
    """What a DBA without the key can do: edit an entry, then recompute every later hash with
    plain SHA-256 over the same canonical form, relink them and move the head."""
    raw(change_sql)
    db.session.expire_all()
    entries = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    prev = entries[start_id - 2].entry_hash if start_id > 1 else audit.GENESIS
    updates = []
    for entry in entries[start_id - 1:]:
        entry.prev_hash = prev
        prev = audit.legacy_hash(entry)
        updates.append((entry.id, entry.prev_hash, prev))
    db.session.expire_all()
    for entry_id, prev_hash, new_hash in updates:
        raw(f"UPDATE audit_log SET prev_hash = '{prev_hash}', entry_hash = '{new_hash}' "
            f"WHERE id = {entry_id}")
    raw(f"UPDATE audit_head SET last_hash = '{prev}' WHERE id = 1")


@pytest.mark.parametrize("edited", [3, 1])
def test_recomputed_hashes_without_the_key_are_detected(app, db, raw, edited):
    _chain(db)
    _rehash_without_key(db, raw, edited,
                        f"UPDATE audit_log SET username = 'someone' WHERE id = {edited}")
    db.session.expire_all()
    ok, entry, reason = audit.verify_chain()
    assert not ok, "a chain recomputed without the key passed verification"
    if edited == 3:
        assert entry.id == 3 and "№3" in reason
    else:  # every entry recomputed: none carries the key any more
        assert "ключом" in reason
    result = _cli(app, "audit-verify")
    assert result.exit_code == 1


def test_chain_is_keyed_with_a_key_outside_the_database(app, db):
    _chain(db, 2)
    entry = db.session.get(AuditLog, 2)
    assert entry.entry_hash == audit.entry_hash(entry) != audit.legacy_hash(entry)
    key = app.config["AUDIT_KEY"]
    assert key and not any(key in str(value) for row in db.session.execute(
        select(AuditLog)).scalars() for value in vars(row).values())
    # another key (a copy restored elsewhere without the key) does not verify the chain
    app.config["AUDIT_KEY"] = "another-key"
    try:
        assert audit.verify_chain()[0] is False
    finally:
        app.config["AUDIT_KEY"] = key
    assert audit.verify_chain()[0]


def test_verify_prints_the_head_for_comparison_out_of_band(app, db):
    _chain(db, 4)
    head = db.session.get(audit.AuditHead, 1)
    result = _cli(app, "audit-verify")
    assert result.exit_code == 0
    assert "№4" in result.output and head.last_hash in result.output
    assert audit.head() == (4, head.last_hash)


def test_chain_started_before_the_key_stays_verifiable(app, db, raw):
    """Entries hashed with plain SHA-256 before the upgrade stay valid; the first keyed entry
    covers the last of them, so they cannot be changed afterwards either."""
    _chain(db, 3)
    db.session.expire_all()
    prev = audit.GENESIS
    for entry in db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all():
        entry.prev_hash = prev
        prev = audit.legacy_hash(entry)
        raw(f"UPDATE audit_log SET prev_hash = '{entry.prev_hash}', entry_hash = '{prev}' "
            f"WHERE id = {entry.id}")
        db.session.expire_all()
    raw(f"UPDATE audit_head SET last_hash = '{prev}' WHERE id = 1")
    db.session.expire_all()
    ok, _entry, reason = audit.verify_chain()
    assert not ok and "ключом" in reason  # nothing sealed with the key yet
    _chain(db, 1)  # the first entry after the upgrade
    assert audit.verify_chain() == (True, None, "")
    raw("UPDATE audit_log SET username = 'someone' WHERE id = 2")
    db.session.expire_all()
    assert audit.verify_chain()[0] is False


def test_entries_of_a_rolled_back_transaction_are_not_recorded(app, db):
    audit.record("export", "journal", 1)
    db.session.rollback()
    audit.record("export", "journal", 2)
    db.session.commit()
    db.session.expire_all()
    assert [e.object_id for e in db.session.scalars(select(AuditLog))] == ["2"]
    assert audit.verify_chain()[0]


def test_reads_do_not_hold_the_chain_during_the_request(app, college, db):
    """Finding 2: an audited read takes the chain's lock only at commit. While one request's
    transaction is open with an entry recorded, another transaction records and commits."""
    audit.record("journal_view", "journal", 1, username="teacher1")
    db.session.scalar(select(func.count()).select_from(AuditLog))  # the request goes on
    other = Session(bind=db.engine)
    try:
        if db.engine.dialect.name == "postgresql":  # a held lock fails the test, never hangs it
            other.execute(text("SET lock_timeout = '5s'"))
        audit.record("record_view", "student", 2, username="curator1", session=other)
        other.commit()  # would wait (PostgreSQL) or fail (SQLite) if the first held the lock
    finally:
        other.close()
    db.session.commit()
    db.session.expire_all()
    assert [(e.id, e.action) for e in db.session.scalars(select(AuditLog).order_by(
        AuditLog.id))] == [(1, "record_view"), (2, "journal_view")]
    assert audit.verify_chain() == (True, None, "")


def test_reports_are_named_in_words_on_the_list(app, college, db, login):
    """27: an exported report reads by its name in the audit list, not by its code."""
    for code in labels.REPORTS:
        audit.record("export", "report", code, user=college.deputy)
    db.session.commit()
    page = login("it").get("/audit/list/?_flt_0_object_type=report").get_data(as_text=True)
    assert "работа в журнале (педсовет)" in page and "объективность оценивания" in page
    for code in labels.REPORTS:
        assert f">{code}<" not in page.replace(" ", "").replace("\n", "")
