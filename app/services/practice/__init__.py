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
from .base import (  # noqa: F401
    MENTOR_ROLE, ALL_PRACTICE_ROLES, PRACTICE_KINDS, GRADE_VALUES, COMMENT_MAX,
    WORKING_WEEKDAYS, ORDER_MAX, PracticeError, PracticeDenied, PracticeNotFound,
    PracticeConflict, PracticeImportRefused, closing_days, silence_days, day_hours_limit,
    working_weekdays,
)
from .scopes import (  # noqa: F401
    mentor_window_condition, in_mentor_window, placement_filter, practice_filter, is_supervisor,
    may_see_student, check_mentor,
)
from .attestation import (  # noqa: F401
    attestation_complete, save_attestation, set_practice_grade,
)
from .reading import (  # noqa: F401
    practices_for, practice_for_read, is_silent, overview, mentor_students, mentor_home,
    student_practice,
)
from .placements import (  # noqa: F401
    create_practice, add_organisation, organisations, mentors, assign_placement, EMAIL_RE,
    may_issue_mentor_accounts, issue_mentor_account, mentor_slip,
)
from .diary import (  # noqa: F401
    write_entry, review_entry,
)
from .placement_import import (  # noqa: F401
    IMPORT_COLUMNS, IMPORT_REQUIRED, IMPORT_LIMITS, import_template_xlsx, import_placements,
)
