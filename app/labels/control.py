"""The curator's and the administration's control: the week check's problems, the curator's
requests about a student's status, the weekly reports' states, the reports' levels."""
from flask_babel import lazy_gettext as _l

from .statuses import DELIVERIES, STATUS_CHANGES

# what the curator's week check finds in a journal
WEEK_CHECK_PROBLEMS = {
    "missing": _l("пара по расписанию не записана"),
    "late": _l("занятие внесено с опозданием"), "no_topic": _l("не указана тема занятия"),
    "no_attendance": _l("не отмечена посещаемость"),
    "no_homework": _l("нет домашнего задания, предусмотренного программой")}
# a curator's request to change a student's status: a transfer is to another college
STATUS_CHANGE_REQUESTS = {"transfer": _l("перевод в другую организацию"),
                          **{k: STATUS_CHANGES[k] for k in ("expulsion", "academic_leave",
                                                            "restoration", "graduation")}}
# A weekly report to parents as the curator's page counts it (sending is still waiting)
WEEKLY_REPORT_STATES = {"waiting": DELIVERIES["waiting"], "sending": DELIVERIES["waiting"],
                        "sent": _l("отправлено"), "failed": _l("не доставлено")}
# what a row of the results report is (6.2)
REPORT_LEVELS = {"journal": _l("группа · дисциплина · преподаватель"), "group": _l("группа"),
                 "discipline": _l("дисциплина"), "teacher": _l("преподаватель")}
