"""Demo college: absence documents (issue 14.5) — a few pending in curator1's group (student1's
parent has sent one), and a few accepted that really set the reason of their «Н» through the
same rule as the curator's decision (services/control/absence_documents.py)."""
import hashlib
import io
import random
from datetime import datetime, time, timedelta, timezone

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from .. import labels
from ..extensions import db
from ..models import GroupMembership, JournalCell, Lesson, Student
from ..models.documents import AbsenceDocument
from ..services.control import absence_documents as docs, document_decisions
from ..services.scopes import minor_cutoff

try:
    from PIL import Image, ImageDraw
except ImportError:  # pragma: no cover - the demo then attaches PDF files only
    Image = None


def _pdf(title: str) -> bytes:
    """A one-page PDF with one line of text (ASCII: the demo needs no embedded fonts)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _png(title: str) -> bytes:
    image = Image.new("RGB", (420, 160), (250, 250, 245))
    ImageDraw.Draw(image).text((20, 70), title, fill=(20, 20, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _open_absences(b, since, until) -> list[tuple[int, object, object, int]]:
    """Students with «Н» still without a reason in [since, until]: (student, first day,
    last day, count), most such absences first — one query."""
    rows = db.session.execute(
        select(JournalCell.student_id, func.min(Lesson.lesson_date),
               func.max(Lesson.lesson_date), func.count(JournalCell.id))
        .join(Lesson, Lesson.id == JournalCell.lesson_id)
        .where(JournalCell.absent.is_(True), JournalCell.absence_reason == "",
               Lesson.lesson_date >= since, Lesson.lesson_date <= until)
        .group_by(JournalCell.student_id)
        .order_by(func.count(JournalCell.id).desc(), JournalCell.student_id)).all()
    return [tuple(r) for r in rows]


def _uploader(person, day) -> str | None:
    """Who sends the document: the student's account, else a parent's while the student is a
    minor (the rule of absence_documents.upload)."""
    if person.username:
        return person.username
    if person.birth <= minor_cutoff(day):
        return None
    return next((p["username"] for p in person.parents if p.get("username")), None)


def build_documents(b) -> None:
    rng = random.Random(14)  # apart from the builder's sequence: other parts stay the same
    until = b.today - timedelta(days=1)
    absences = _open_absences(b, b.today - timedelta(days=28), until)
    if not absences:
        return
    students = {s.id: s for s in b.students}
    first_days = dict(db.session.execute(select(
        GroupMembership.student_id, func.min(GroupMembership.start_date))
        .group_by(GroupMembership.student_id)).all())
    groups = dict(db.session.execute(select(Student.id, Student.group_id)).all())
    group0 = b.groups[0].obj.id
    curator = {g.obj.id: g.curator for g in b.groups}
    users = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_([b.users[g.curator] for g in b.groups])))}
    absences = [a for a in absences if _uploader(students[a[0]], b.today)]
    own = [a for a in absences if a[0] == b.student1.id]
    group_a = [a for a in absences if groups[a[0]] == group0 and a[0] != b.student1.id]
    others = [a for a in absences if groups[a[0]] != group0]
    plan = ([(a, "pending", "medical") for a in own[:1]]
            + [(a, "pending", "other") for a in group_a[:1]]
            + [(a, "accepted", "medical") for a in group_a[1:3]]
            + [(a, "pending", "summons") for a in others[:1]]
            + [(a, "accepted", "college_order") for a in others[1:3]])
    added = 0
    for (student_id, start, end, _count), status, kind in plan:
        person = students[student_id]
        start = max(start, first_days.get(student_id, start))
        end = min(end, start + timedelta(days=docs.MAX_RANGE_DAYS - 1))
        uploader = _uploader(person, b.today)
        image = kind != "medical" and Image is not None
        name = labels.russian(labels.ABSENCE_DOCUMENT_KINDS, kind)
        title = f"{name} {start:%d.%m.%Y}-{end:%d.%m.%Y}"
        data = _png(f"Document {start:%d.%m.%Y} - {end:%d.%m.%Y}") if image else _pdf(
            f"Certificate of absence {start:%d.%m.%Y} - {end:%d.%m.%Y}")
        content_type = "image/png" if image else "application/pdf"
        uploaded = datetime.combine(min(end + timedelta(days=1), until),
                                    time(9, rng.randint(0, 59)), timezone.utc)
        document = AbsenceDocument(
            student_id=student_id, kind=kind, date_from=start, date_to=end,
            original_name=f"{title}{docs.STORED_SUFFIX[content_type]}",
            stored_name=docs.store_file(data, content_type), content_type=content_type,
            size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=b.users[uploader], uploaded_at=uploaded, status="pending")
        db.session.add(document)
        db.session.flush()
        if status == "accepted":
            decider = users[b.users[curator[groups[student_id]]]]
            document_decisions.decide(decider, document.id, "accept",
                                      "Документ проверен, оригинал сдан.")
        added += 1
    b.counts["absence_documents"] = added
