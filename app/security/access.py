"""Who may do what: the one declared table of roles and their permissions (SPEC §1).

Each entry maps a FAB view/API permission name to the permissions a role gets on it.
`flask journal init` turns this table into FAB roles; row-level scopes live in
app/services/scopes.py and are applied by every view, API, export and report.
A view that is not in this table is reachable by Admin only (deny by default).
"""

ROLES = {
    "Admin": "Администратор системы",
    "IT": "Отдел ИТ",
    "Administration": "Администрация",
    "Deputy": "Зам. директора по УР",
    "Teacher": "Преподаватель",
    "Curator": "Куратор",
    "Student": "Студент",
    "Parent": "Родитель (законный представитель)",
    "Mentor": "Наставник от организации",
}

# --- Capabilities: the role sets the rules check, named once as the regulation reads them ----
# Services, views and the grants below import these; no other module spells out role names.
STAFF = frozenset({"Admin", "IT", "Administration", "Deputy", "Teacher", "Curator"})  # SPEC §1
MANAGERS = frozenset({"Administration", "Deputy"})  # SPEC §1: the director's office and deputy
TEACHES = frozenset({"Teacher", "Curator"})  # SPEC §1: a curator teaches too
# 2.2, 3.3, 4.7, 5.2: every student's record, debts, attendance, documents and practice
SEES_COLLEGE = MANAGERS | {"Admin"}
# SPEC §1: every journal, group, student and hours report; IT reads them to support users
SEES_ALL_JOURNALS = SEES_COLLEGE | {"IT"}
OVERRIDES_DEADLINE = frozenset({"Deputy"})  # 4.7: final grades after the deadline, closed periods
DELETES_PAST_LESSONS = frozenset({"Deputy"})  # 1.6: after the lesson's day only the deputy
MANAGES_LESSONS = MANAGERS  # 4.4: a lesson or a substitution in any journal
KEEPS_SHEETS = MANAGERS  # 4.7: makes and edits any exam or credit sheet
SCHEDULES_RETAKES = SEES_COLLEGE  # 4.7: the deputy or the administration schedules a retake
ENTERS_ANY_RETAKE = frozenset({"Deputy"})  # 4.7: a retake's result without being its examiner
EXTENDS_DEBT_DEADLINE = frozenset({"Deputy"})  # 4.7: a debt's deadline, by the deputy's order
EXAMINES = TEACHES | MANAGERS  # 4.7: who may examine a retake or sit on its commission
# 3.3, 5.2: accepts or rejects an absence document (a curator only their current groups')
DECIDES_ABSENCE_DOCUMENTS = SEES_COLLEGE | {"Curator"}
CREATES_ANY_PRACTICE = SEES_COLLEGE  # 2.2: any practice; a teacher their practice journal's
SUPERVISES_PRACTICE = TEACHES | {"Deputy"}  # 2.2: the practice's supervisor from the college
GRADES_ANY_PRACTICE = frozenset({"Deputy"})  # 2.2, 4.7: the practice grade besides its supervisor
ANSWERS_MEMOS = frozenset({"Deputy", "Admin"})  # 3.4: the deputy receives the curators' memos
READS_ALL_MEMOS = ANSWERS_MEMOS | {"Administration"}  # 3.4: and the administration reads them
WRITES_TO_ADMINISTRATION = MANAGERS  # 2.2, 3.6: the administration a family may write to
WRITES_TO_ANY_FAMILY = MANAGERS  # 2.2: the director and deputies write to any student or parent
READS_CURRICULA = MANAGERS | {"IT"}  # 4.2: the curricula page and its API
IMPORTS_PLANS = MANAGERS  # 4.2: a working curriculum from «Планы» (.plx), after its difference
IT_STAFF = frozenset({"IT", "Admin"})  # 3.1, 5.2: accounts, credentials, blocking
ISSUED_BY_IT = STAFF | {"Mentor"}  # 3.1, issue 15: IT issues credentials to staff and mentors
# 4.1, 152-FZ: records anyone's consent to the processing of personal data; a curator records
# those of the students and parents of the groups they curate now
RECORDS_ANY_CONSENT = MANAGERS | IT_STAFF

READ = ("can_list", "can_show", "menu_access")
WRITE = READ + ("can_add", "can_edit", "can_delete")

# {view permission name: {role: permissions}}
ACCESS: dict[str, dict[str, tuple[str, ...]]] = {}


def grant(view: str, roles, perms) -> None:
    # in the order of ROLES, so that the table reads the same in every process
    for role in (roles,) if isinstance(roles, str) else sorted(roles, key=list(ROLES).index):
        current = ACCESS.setdefault(view, {}).get(role, ())
        ACCESS[view][role] = tuple(dict.fromkeys(current + tuple(perms)))


# --- Own account (everybody): user info; password change except students (5.4) -----------
for _role in ("IT", "Administration", "Deputy", "Teacher", "Curator", "Parent"):
    # 5.4: a student changes no credentials of their own (no UserInfoEditView either)
    grant("UserInfoEditView", _role, ("can_this_form_get", "can_this_form_post"))
for _role in ("IT", "Administration", "Deputy", "Teacher", "Curator", "Parent"):
    grant("ResetMyPasswordView", _role, ("can_this_form_get", "can_this_form_post"))
    grant("UserDBModelView", _role, ("can_userinfo", "resetmypassword"))
grant("UserDBModelView", "Student", ("can_userinfo",))
# 5.4: everyone answers for their own login and sees its last logins and failed tries
grant("AccountView", ("IT", "Administration", "Deputy", "Teacher", "Curator", "Student", "Parent",
                      "Mentor"), ("can_logins",))

# --- IT: accounts of staff, blocking --------------------------------------------------------
# Passwords are reset by issuing a one-time password with a credential slip (3.1), not by
# FAB's reset form, which would accept any account id.
grant("UserDBModelView", "IT", ("can_list", "can_show", "can_add", "can_edit", "menu_access",
                                "can_userinfo"))
grant("Security", "IT", ("menu_access",))
grant("List Users", "IT", ("menu_access",))

# --- Reference data and people (Administration manages; staff read) -------------------------
for _view in ("AcademicYearView", "PeriodView", "SpecialtyView", "GroupView", "SubgroupView",
              "DisciplineView", "CurriculumView", "CurriculumItemView", "WorkProgramView",
              "WorkProgramTopicView", "TeachingLoadView", "DepartmentView",
              "StudentView", "ParentView", "StudentParentView",
              "GroupMembershipView", "SubgroupMemberView", "StaffProfileView"):
    grant(_view, "Administration", WRITE)
    grant(_view, ("IT", "Deputy"), READ)
# An order on the contingent is entered once and applied (status, blocking request, 5.2);
# it is not edited or deleted afterwards.
grant("StudentStatusChangeView", "Administration", READ + ("can_add",))
grant("StudentStatusChangeView", ("IT", "Deputy"), READ)
for _view in ("GroupView", "StudentView", "ParentView", "StudentParentView",
              "SubgroupView", "SubgroupMemberView", "StudentStatusChangeView"):
    grant(_view, "Curator", READ)  # scoped to the curator's groups
for _view in ("StudentView", "GroupView", "DisciplineView", "WorkProgramView",
              "WorkProgramTopicView", "TeachingLoadView"):
    grant(_view, "Teacher", READ)  # scoped to the teacher's groups
# The Deputy sets final-grade deadlines on the control page (DeputyView.deadline), which
# requires the order's number and date (4.7); the period screen itself is the administration's.
for _cat in ("College", "Curricula", "People"):
    grant(_cat, ("Administration", "IT", "Deputy"), ("menu_access",))
grant("People", ("Curator", "Teacher"), ("menu_access",))
grant("College", ("Curator", "Teacher"), ("menu_access",))
grant("Curricula", "Teacher", ("menu_access",))
grant("Curricula", "Curator", ("menu_access",))

# --- Import (4.2) ---------------------------------------------------------------------------
grant("ImportView", "Administration", ("can_index", "can_upload", "menu_access"))
# a plan of «Планы»: upload → the difference → confirm, from the curricula page and its menu
grant("PlanImportView", IMPORTS_PLANS, ("can_index", "can_preview", "can_apply", "menu_access"))
grant("CurriculaApi", READS_CURRICULA, ("can_get",))
grant("CurriculumRowView", READS_CURRICULA, ("can_list", "can_show"))  # the plan's rows

# --- Portal: record, reports, weekly reports; messages; help (2.2, 3.3, 3.6, 5.1, 5.2, 5.4) --
EVERYONE = ("IT", "Administration", "Deputy", "Teacher", "Curator", "Student", "Parent")
grant("PortalView", ("Student", "Parent", "Administration", "Deputy", "Teacher", "Curator"),
      ("can_record",))  # rows: app/services/portal/record.py record_scope
grant("PortalView", ("Student", "Parent"), ("can_report",))
# 3.3, 5.2: the weekly reports sent about them (rows: portal/weekly_received.py)
grant("PortalView", ("Student", "Parent"), ("can_received",))
grant("ReceivedWeeklyReports", ("Student", "Parent"), ("menu_access",))
# 2.2, 5.2: the report card (rows: record_scope, as the record; staff open it from the diary)
grant("ReportCard", ("Student", "Parent"), ("menu_access",))
grant("PortalView", ("Student", "Parent", "Teacher", "Curator"), ("can_reports",))
grant("Record", ("Student", "Parent"), ("menu_access",))
grant("IssueReports", ("Student", "Parent", "Teacher", "Curator"), ("menu_access",))
grant("StudentRecordApi", ("Student", "Parent", "Administration", "Deputy", "Teacher",
                           "Curator"), ("can_get",))
grant("WeeklyReportView", ("Curator", "Administration", "Deputy"), ("can_list",))
grant("WeeklyReportView", ("Curator", "Administration"), ("can_send",))
grant("WeeklyReports", ("Curator", "Administration", "Deputy"), ("menu_access",))
grant("MessagesView", EVERYONE, ("can_read", "can_write"))
# 4.1: consents to the processing of personal data (rows: services/college/consent.py)
grant("ConsentView", RECORDS_ANY_CONSENT | {"Curator"}, ("can_index", "can_group", "can_record",
                                                      "can_withdraw"))
grant("Consents", RECORDS_ANY_CONSENT | {"Curator"}, ("menu_access",))
# SPEC §5: every account reads its own notifications (rows: user_id = the account's own,
# services/notifications/inbox.py) and chooses which it gets
# (a Mentor has nothing but the practice: no bell, no notifications)
GETS_NOTIFICATIONS = frozenset(EVERYONE) | {"Admin"}
grant("NotificationsView", EVERYONE, ("can_read", "can_settings"))
grant("NotificationApi", EVERYONE, ("can_get", "can_read"))
grant("Messages", EVERYONE, ("menu_access",))
grant("HelpView", EVERYONE, ("can_read",))
grant("Help", EVERYONE, ("menu_access",))
# SPEC §8: the version for people with impaired vision, every role's own (Admin has it anyway)
grant("DisplayView", tuple(role for role in ROLES if role != "Admin"), ("can_switch",))

# --- Audit log, backups, archive and retention (4.1, 7.1, 7.3, 7.4): IT only ----------------
# The audit view has no add/edit/delete permissions at all: nobody changes entries via the UI.
grant("AuditLogView", "IT", ("can_list", "can_show", "can_export", "menu_access"))
grant("BackupView", "IT", ("can_index", "can_run", "menu_access"))
grant("ArchiveView", "IT", ("can_index", "can_run", "can_destroy", "can_download",
                           "menu_access"))
grant("Service", "IT", ("menu_access",))
# --- The job queue: IT's jobs page and test mail; everyone who starts a long job follows it ----
grant("JobsView", "IT", ("can_index", "can_test_mail", "menu_access"))
grant("JobsView", ("IT", "Administration", "Deputy", "Teacher", "Curator"),
      ("can_job", "can_start"))

# --- The journal: grid, lessons, marks, final grades, hours (1.6-1.7, 4.4-4.8, 5.3) ---------
# Rows: Teacher its journals (+ lessons it substituted), Curator its groups', managers all.
grant("JournalApi", STAFF, ("can_read",))
grant("JournalApi", ("Teacher", "Deputy", "Administration"), ("can_write",))
grant("JournalView", STAFF, ("can_list", "can_grid", "can_print", "can_xlsx", "menu_access"))
grant("JournalView", ("Teacher", "Deputy", "Administration"), ("can_lesson",))
grant("HoursView", ("Teacher", "Administration", "Deputy", "IT", "Admin"),
      ("can_report", "can_xlsx", "menu_access"))
# 2.2: programme completion — rows scoped like the journals (teacher: their own, curator:
# their groups', the administration every journal)
grant("ProgrammeView", ("Teacher", "Curator", "Administration", "Deputy"),
      ("can_report", "can_xlsx", "menu_access"))
grant("Journal", STAFF, ("menu_access",))

# --- Timetable, curator, deputy's control, IT accounts, reports (2.2, 3.1-3.5, 5.2, 6.1, 6.2) --
grant("TimetableView", MANAGERS, ("can_week", "can_change", "can_upload", "can_template"))
grant("TimetableView", ("IT", "Teacher", "Curator"), ("can_week",))
grant("TimetableEntryView", MANAGERS, WRITE)
grant("TimetableChangeView", MANAGERS, READ + ("can_delete",))
grant("Week", MANAGERS | {"IT"} | TEACHES, ("menu_access",))
grant("MyTimetable", TEACHES, ("menu_access",))  # 4.4: the teacher's own week
for _item in ("Timetable",):
    grant(_item, MANAGERS | {"IT"} | TEACHES, ("menu_access",))
grant("Entries", MANAGERS, ("menu_access",))
grant("Changes", MANAGERS, ("menu_access",))
grant("TimetableImport", MANAGERS, ("menu_access",))
# Rows: a curator only the groups they curate now (services/scopes.py curates_now)
grant("CuratorView", ("Curator", "Deputy", "Administration"), ("can_group", "can_memo"))
grant("CuratorView", "Curator", ("can_credentials", "can_status"))
grant("Curator", "Curator", ("menu_access",))
grant("MyGroups", "Curator", ("menu_access",))
grant("Contingent", "Curator", ("menu_access",))
grant("Credentials", "Curator", ("menu_access",))
grant("DeputyView", "Deputy", ("can_control", "can_check", "can_check_edit", "can_deadline",
                               "can_inbox", "can_memo_status"))
grant("Control", "Deputy", ("menu_access",))
# 4.7: final grades still missing — rows scoped like the journals (curator: their groups,
# teacher: their journals); 4.7, 7.3: the deputy closes a period by order after the deadline.
grant("FinalGradesView", ("Deputy", "Administration", "Curator", "Teacher"), ("can_missing",))
grant("MissingFinalGrades", ("Deputy", "Administration", "Curator", "Teacher"),
      ("menu_access",))
grant("FinalGradesView", "Deputy", ("can_periods", "can_close"))
grant("ClosePeriods", "Deputy", ("menu_access",))
grant("JournalControl", "Deputy", ("menu_access",))
grant("Memos", "Deputy", ("menu_access",))
grant("ITView", "IT", ("can_index", "can_credentials", "can_decide"))
grant("Accounts", "IT", ("menu_access",))
grant("ReportsView", ("IT", "Administration", "Deputy"), ("can_activity", "can_results",
                                                         "can_objectivity"))
# 3.3, 5.2: behaviour notes — written by the group's teachers and curator (rows in
# services/portal/behaviour.py), read by the administration
grant("BehaviourNoteView", ("Teacher", "Curator"), ("can_index", "can_add"))
grant("BehaviourNoteView", MANAGERS, ("can_index",))
grant("BehaviourNotes", TEACHES | MANAGERS, ("menu_access",))
# 6.2: the council's report on users' work; IT presents it, teachers and curators do not see it
grant("CouncilReportView", ("IT", "Administration", "Deputy"), ("can_council", "can_rows"))
for _item in ("Reports", "Activity", "Results", "Objectivity", "Council"):
    grant(_item, ("IT", "Administration", "Deputy"), ("menu_access",))

# --- Absence documents (issue 14.5, 3.3, 5.2) ------------------------------------------------
# Rows in services/control/absence_documents.py: a student uploads and reads their own, a parent
# their minor child's while allowed; the curator of the student's current group and the deputy /
# administration read and decide; teachers and IT see none.
grant("AbsenceDocumentView", ("Student", "Parent"), ("can_index", "can_upload", "can_show",
                                                     "can_file"))
grant("AbsenceDocumentView", MANAGERS | {"Curator"}, ("can_index", "can_show", "can_file",
                                                      "can_decide"))
grant("AbsenceDocuments", MANAGERS | {"Student", "Parent", "Curator"}, ("menu_access",))

# --- Exam and credit sheets (issue 14.1, 2.2, 4.7) -------------------------------------------
# Rows in services/assessment/sheets.py (sheet_filter — the journals' scope): the teacher their
# journals, the curator their groups' (read only), the deputy and the administration all. The
# journal's teacher, the deputy and the administration make sheets and enter grades (through
# final_grades.set_final_grade). Students and parents have none: their grades are in the diary.
SHEET_READERS = TEACHES | MANAGERS
grant("SheetView", SHEET_READERS, ("can_index", "can_show", "can_print", "can_xlsx"))
grant("SheetView", MANAGERS | {"Teacher"}, ("can_create", "can_edit"))
grant("Sheets", SHEET_READERS, ("menu_access",))
grant("SheetApi", SHEET_READERS, ("can_get",))

# --- Attendance report and the forecast before the session (issue 14.4, 14.6; 3.3, 6.1) -----
# Rows in services/control/attendance.py: the curator the groups they curate now, the deputy and the
# administration any group; teachers, students and parents do not open it (a student sees
# their own attendance in the diary).
grant("AttendanceView", MANAGERS | {"Curator"}, ("can_index", "can_group", "can_xlsx"))
grant("Attendance", MANAGERS | {"Curator"}, ("menu_access",))
grant("Reports", "Curator", ("menu_access",))

# --- Academic debts and retakes (issue 14.2-14.3, 4.7) ---------------------------------------
# Rows in services/assessment/debts.py (debt_filter): the administration all; a curator their
# current groups'; a teacher their journals' and the retakes they examine; a student their own; a
# parent their minor child's while allowed. Retakes are scheduled by the deputy or the
# administration; the result is entered by the examiner (the commission's chairman) or the deputy
# (services/assessment/debts.py may_enter_results).
DEBT_READERS = TEACHES | MANAGERS
grant("DebtsView", DEBT_READERS, ("can_register", "can_xlsx", "can_retake", "can_sheet",
                                  "can_referral"))
grant("DebtsView", DEBT_READERS | {"Student", "Parent"}, ("can_student",))
grant("DebtsView", MANAGERS, ("can_schedule",))
grant("DebtsView", ("Teacher", "Curator", "Deputy"), ("can_result",))
grant("DebtsView", EXTENDS_DEBT_DEADLINE, ("can_extend",))
grant("AcademicDebts", DEBT_READERS, ("menu_access",))
grant("StudentDebtsApi", DEBT_READERS | {"Student", "Parent"}, ("can_get",))

# --- Practice (issue 15, 2.2) ------------------------------------------------------------------
# Rows in services/practice/scopes.py (practice_filter, placement_filter): the supervisor
# their practices, the curator their current groups', the deputy and the administration all;
# other teachers none; a student their own, a parent their minor child's while allowed. A
# Mentor (an employee of the organisation) has nothing but their own account and these pages,
# and only their placements from the practice's first day to its end + MENTOR_CLOSING_DAYS.
PRACTICE_STAFF = TEACHES | MANAGERS
grant("PracticeView", PRACTICE_STAFF, ("can_index", "can_show", "can_order", "can_xlsx",
                                       "can_print", "can_diary"))
grant("PracticeView", MANAGERS | {"Teacher"}, ("can_create", "can_placement", "can_import"))
grant("PracticeView", ("Teacher", "Deputy"), ("can_grade",))  # final_grades.set_final_grade
# a practice in the college's own workshop: its supervisor (a teacher) reviews and attests
grant("PracticeView", "Teacher", ("can_review", "can_attestation"))
grant("PracticeView", ("Teacher", "IT"), ("can_accounts",))  # a supervisor or IT issues them
grant("PracticeView", ("Student", "Parent"), ("can_my", "can_diary", "can_print"))
grant("PracticeView", "Student", ("can_write",))
grant("PracticeView", "Mentor", ("can_mentor", "can_diary", "can_review", "can_attestation",
                                 "can_print"))
grant("Practice", PRACTICE_STAFF, ("menu_access",))
grant("MyPractice", ("Student", "Parent"), ("menu_access",))
grant("MentorStudents", "Mentor", ("menu_access",))
grant("MentorAccounts", ("Teacher", "IT"), ("menu_access",))
grant("StudentPracticeApi", PRACTICE_STAFF | {"Student", "Parent", "Mentor"}, ("can_get",))
# The mentor's own account: the first-login password change (3.1, 5.4) and help.
grant("UserInfoEditView", "Mentor", ("can_this_form_get", "can_this_form_post"))
grant("ResetMyPasswordView", "Mentor", ("can_this_form_get", "can_this_form_post"))
grant("UserDBModelView", "Mentor", ("can_userinfo", "resetmypassword"))
grant("HelpView", "Mentor", ("can_read",))
grant("Help", "Mentor", ("menu_access",))
