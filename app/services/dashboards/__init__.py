"""Start pages (SPEC §5 «each role starts where its work is»): what each role sees first.

One module per kind of work; each returns plain data for its template block
(app/templates/home/<section>.html). Every section reads with a fixed number of queries,
whatever the size of the college: rows are loaded eagerly and counted in SQL.
A person with several roles sees the sections of each, once, in the order below.
"""
from datetime import date

from .. import practice
from ..scopes import role_names
from . import college, curator, deputy, family, issues, it, teacher

# (section, roles that see it, builder(user, day) → data or None); order = order on the page.
SECTIONS = (
    ("teacher", {"Teacher"}, teacher.teacher_day),
    ("curator", {"Curator"}, curator.curator_week),
    ("issues", {"Teacher", "Curator"}, issues.open_reports),
    ("deputy", {"Deputy"}, deputy.deputy_control),
    ("college", {"Administration", "Admin"}, college.college_glance),
    ("it", {"IT"}, it.it_health),
    ("student", {"Student"}, family.student_week),
    ("parent", {"Parent"}, family.parent_weeks),
    ("mentor", {"Mentor"}, practice.mentor_home),
)


def sections_for(user, day: date) -> list[tuple[str, dict]]:
    """[(section name, data)] of every role the user holds."""
    roles = role_names(user)
    out = []
    for name, wanted, build in SECTIONS:
        if roles & wanted:
            data = build(user, day)
            if data is not None:
                out.append((name, data))
    return out
