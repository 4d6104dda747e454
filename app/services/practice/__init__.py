"""Practice (2.2): placements of a group's students at organisations with a mentor there, the
student's practice diary, the mentor's review and attestation sheet, and the practice grade.

Row rules are SQL conditions (like services/scopes.py), reused by pages, the API and exports:
- the student sees their own placements; a parent their child's while allowed (5.2: a minor
  still at the college); the curator the practices of the groups they curate now; the deputy and
  the administration all; the practice's supervisor their practices; other teachers nothing;
- a mentor (role Mentor, an employee of the organisation) sees only the placements where they
  are the mentor, and only from the practice's first day to its last day plus
  MENTOR_CLOSING_DAYS: their access ends by itself. A mentor reads the student's name and group
  and the practice, nothing else; every read and write of a mentor is in the audit log.

The practice grade is the final grade (differentiated credit) of the practice's journal for
its period, set through final_grades.set_final_grade: the 4.7 deadlines, closed periods and
debts apply to it like to any other final grade.

One module per concept: `base` (roles, settings, errors, input), `scopes` (who sees what),
`placements` (the practice, organisations, placements, mentors' accounts), `diary`,
`attestation` (the sheet and the grade), `reading` (overview, the mentor's students, a student's
practices for the pages and the API), `placement_import` (XLSX/CSV).
"""
from .attestation import attestation_complete, save_attestation, set_practice_grade  # noqa: F401
from .base import (  # noqa: F401
    COMMENT_MAX,
    GRADE_VALUES,
    MENTOR_ROLE,
    ORDER_MAX,
    PRACTICE_KINDS,
    WORKING_WEEKDAYS,
    PracticeConflict,
    PracticeDenied,
    PracticeError,
    PracticeImportRefused,
    PracticeNotFound,
    closing_days,
    day_hours_limit,
    silence_days,
    days_to_write,
    default_diary_day,
    working_weekdays,
)
from .diary import review_entry, write_entry  # noqa: F401
from .placement_import import (  # noqa: F401
    IMPORT_COLUMNS,
    IMPORT_LIMITS,
    IMPORT_REQUIRED,
    import_placements,
)
from .placements import (  # noqa: F401
    EMAIL_RE,
    add_organisation,
    assign_placement,
    create_practice,
    journals_for_new_practice,
    issue_mentor_account,
    may_issue_mentor_accounts,
    mentor_accounts,
    mentor_slip,
    mentors,
    organisations,
)
from .reading import (  # noqa: F401
    is_silent,
    mentor_home,
    mentor_lacks_basis,
    mentor_students,
    overview,
    practice_for_read,
    practices_for,
    student_practice,
)
from .scopes import (  # noqa: F401
    basis_details,
    check_attester,
    check_mentor,
    in_mentor_window,
    grades_practice,
    is_supervisor,
    manages_practice,
    may_attest,
    may_see_student,
    mentor_basis_condition,
    mentor_window_condition,
    no_basis_denial,
    placement_filter,
    practice_filter,
)
