"""All models, imported once so that Alembic and the app see the whole schema."""
from flask_appbuilder.security.sqla.models import User  # noqa: F401

from . import debts, documents, practice, sheets  # noqa: F401,E402
from .archive import (  # noqa: F401
    ArchiveChange, ArchiveRecord, ArchiveSupplement, BackupRecord, DestructionAct,
)
from .audit import AuditHead, AuditLog  # noqa: F401
from .base import Model  # noqa: F401  (sets the naming convention first)
from .college import (  # noqa: F401
    AcademicYear,
    AccountState,
    Department,
    GroupMembership,
    Parent,
    Period,
    Specialty,
    StaffProfile,
    Student,
    StudentGroup,
    StudentParent,
    StudentStatusChange,
    Subgroup,
    SubgroupMember,
)
from .conduct import BehaviourNote  # noqa: F401
from .display import DisplayPreference  # noqa: F401
from .control import BlockRequest, ControlCheck, Memo  # noqa: F401
from .curriculum import (  # noqa: F401
    Curriculum,
    CurriculumItem,
    Discipline,
    TeachingLoad,
    WorkProgram,
    WorkProgramTopic,
)
from .curriculum_plan import CurriculumRow, CurriculumRowSemester  # noqa: F401
from .jobs import JobRecord, ScheduledRun, WeeklyReportSchedule  # noqa: F401
from .journal import CellChange, FinalGrade, FinalGradeChange, Journal, JournalCell, Lesson, Mark  # noqa: F401
from .messaging import IssueReport, Message, WeeklyReportDelivery  # noqa: F401
from .security import AccessStamp, AccountSession, LoginAttempt  # noqa: F401
from .timetable import TimetableChange, TimetableEntry  # noqa: F401
from .notifications import (  # noqa: F401
    Notification, NotificationLetter, NotificationPreference, WeeklyCheck,
)
from .consent import PersonalDataConsent  # noqa: F401
