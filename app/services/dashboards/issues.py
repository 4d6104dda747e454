"""Reports addressed to this teacher or curator (2.2, 5.4): a student's or parent's report of a
wrong mark goes to the teacher, an access problem to the curator; the open ones wait for an
answer, so they stand on the start page until answered. One query whatever their number."""
from datetime import date

from ..portal.issue_reports import reports_assigned

SHOWN = 10  # the newest open reports; the full list is one click away


def open_reports(user, day: date) -> dict | None:
    reports = reports_assigned(user, open_only=True)
    if not reports:
        return None
    return dict(reports=reports[:SHOWN], total=len(reports))
