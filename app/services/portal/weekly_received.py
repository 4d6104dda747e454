"""The weekly reports a family received (3.3, 5.2), read in the portal as they were sent: the
student reads the reports about them, a parent those about their children while they may
(scopes.family_student_ids: not once the child is 18 or has left). A report sent to both
parents is one letter: it is listed once. Newest week first, a page at a time; the read is
audited like the record's (4.1)."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from ...errors import BadInput
from ...extensions import db
from ...models import Student, WeeklyReportDelivery
from ..records import audit
from ..scopes import family_student_ids

PAGE_SIZE = 10


def _page_number(page) -> int:
    if page in (None, ""):
        return 1
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise BadInput(_("Неверный номер страницы: укажите целое число от 1."))
    return number


def received(user, page=None) -> dict:
    """One page of the weekly reports sent about the account's own students: `reports` (the
    student's name, the week, when it was sent, the subject and the text as sent), `page`,
    `pages`, `total`."""
    number = _page_number(page)
    letters = (select(func.max(WeeklyReportDelivery.id))
               .where(WeeklyReportDelivery.student_id.in_(family_student_ids(user)),
                      WeeklyReportDelivery.status == "sent",
                      WeeklyReportDelivery.body.is_not(None))
               .group_by(WeeklyReportDelivery.student_id, WeeklyReportDelivery.week_start))
    total = db.session.scalar(select(func.count()).select_from(letters.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(number, pages)
    rows = db.session.execute(
        select(WeeklyReportDelivery, Student)
        .join(Student, Student.id == WeeklyReportDelivery.student_id)
        .where(WeeklyReportDelivery.id.in_(letters))
        .order_by(WeeklyReportDelivery.week_start.desc(), Student.last_name,
                  Student.first_name, WeeklyReportDelivery.id)
        .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    for student_id in sorted({student.id for _letter, student in rows}):
        audit.record("view", "student", student_id, details={"scope": "weekly_reports"})
    if rows:
        audit.commit_read()
    return {"reports": [{"id": letter.id, "student": student.full_name,
                         "student_id": student.id, "week_start": letter.week_start,
                         "sent_at": letter.attempted_at, "subject": letter.subject,
                         "body": letter.body} for letter, student in rows],
            "page": number, "pages": pages, "total": total}
