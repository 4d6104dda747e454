"""3.4: only the group's curator writes its memo — the deputy and the administration, who may
open the group's week, cannot write one in the curator's name, nor can another curator."""
from datetime import date

import pytest

from app.models import Memo
from app.services.control import completeness as cc, memos
from tests.reports_helpers import entry


@pytest.fixture()
def missing_pair(app, college, db, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-17")
    entry(college.autumn, college.journal_a_op, 0, 1)  # Monday 13.10 not recorded
    db.session.commit()
    return college


@pytest.mark.parametrize("author", ["deputy", "director", "curator2", "teacher1"])
def test_only_the_groups_curator_writes_the_memo(missing_pair, db, author):
    with pytest.raises(cc.Forbidden):
        memos.create_memo(missing_pair.users[author], missing_pair.group_a.id,
                          date(2025, 10, 13))
    assert db.session.query(Memo).count() == 0


def test_the_curator_writes_it(missing_pair, db):
    memo = memos.create_memo(missing_pair.curator1, missing_pair.group_a.id, date(2025, 10, 13))
    db.session.commit()
    assert memo.curator_id == missing_pair.curator1.id and "13.10.2025" in memo.body
