"""The files of absence documents (issue 14.5; issue 23, findings 5 and 9): what a file may be,
how it is kept, and how much one account may upload.

- A PDF, JPEG or PNG by its CONTENT, not by its name, at most ABSENCE_DOCUMENT_MAX_BYTES.
- An image at most DOCUMENT_MAX_PIXELS pixels, read from its header before anything is
  decoded (a 12000×12000 PNG of 420 KB would take 432 MB to decode); Pillow's own bomb guard is
  set to the same figure and its warning is a refusal too. An accepted image is decoded once
  and written again by the portal (upright, without EXIF, comments or any other metadata).
- Per account, at most DOCUMENT_DAILY_COUNT documents and DOCUMENT_DAILY_MB megabytes in any
  24 hours (one student uploaded 1,000 documents in 14 s before).
- Kept outside the web root under a random name (directory 0700, files 0600).
"""
import io
import os
import secrets
import warnings
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, JpegImagePlugin, PngImagePlugin, UnidentifiedImageError
from sqlalchemy import func, select

from ...errors import Refused
from ...extensions import db
from ...infra import clock
from ...models import User
from ...models.documents import AbsenceDocument

# The names a file may bear and the content each name promises.
EXTENSIONS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".png": "image/png"}
STORED_SUFFIX = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# The readers of each format, called directly: they read the header (the size) and nothing
# else, and leave the pixel count to check_file, before any decoding.
READERS = {"image/jpeg": JpegImagePlugin.JpegImageFile, "image/png": PngImagePlugin.PngImageFile}
# room for the form's other fields and the multipart framing above the file's own limit, so the
# file's limit is reached before the request's and its message is the one shown
FORM_ALLOWANCE = 1024 * 1024


class DocumentError(Refused):
    """An absence document refused: its file, dates or decision (14.5)."""


class DocumentDenied(DocumentError):
    status = 403


class DocumentNotFound(DocumentError):
    status = 404


class DocumentConflict(DocumentError):
    status = 409


class DocumentTooLarge(DocumentError):
    status = 413


class DocumentQuota(DocumentError):
    status = 429


# --- settings and storage ------------------------------------------------------------------
def max_bytes() -> int:
    return int(current_app.config["ABSENCE_DOCUMENT_MAX_BYTES"])


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def max_megabytes() -> str:
    return _megabytes(max_bytes())


def request_limit() -> int:
    """The whole upload request's limit: the file's own plus the form around it."""
    return max_bytes() + FORM_ALLOWANCE


def too_large_message() -> str:
    return _("Файл слишком большой: допускается не более %(limit)s МБ.", limit=max_megabytes())


def max_pixels() -> int:
    return int(current_app.config["DOCUMENT_MAX_PIXELS"])


def documents_dir() -> Path:
    """DOCUMENTS_DIR, outside the web root; created readable by the portal's user only."""
    path = Path(current_app.config["DOCUMENTS_DIR"])
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def file_path(document: AbsenceDocument) -> Path:
    return documents_dir() / document.stored_name


def read_file(document: AbsenceDocument) -> bytes:
    return file_path(document).read_bytes()


def store_file(data: bytes, content_type: str) -> str:
    """Write the file under a random name (no part of the uploader's name in the path)."""
    folder = documents_dir()
    while True:
        name = secrets.token_hex(16) + STORED_SUFFIX[content_type]
        try:
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # pragma: no cover - 128 random bits
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return name


def discard_file(stored_name: str) -> None:
    """Remove a stored file whose row was not committed."""
    try:
        (documents_dir() / stored_name).unlink()
    except FileNotFoundError:
        pass


# --- content ------------------------------------------------------------------------------
def detect_type(data: bytes) -> str | None:
    """The content type by the file's own bytes (its name and the browser's word aside): a PDF
    header and end-of-file marker, the JPEG or PNG signature whose header Pillow reads as that
    format. Nothing is decoded here."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    else:
        return None
    try:
        with READERS[kind](io.BytesIO(data)) as image:  # the header only
            if image.width < 1 or image.height < 1:
                return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return kind


def _too_many_pixels(width: int, height: int) -> DocumentError:
    return DocumentError(_("Изображение слишком большое: %(width)s × %(height)s точек, "
                           "допускается не более %(limit)s млн точек. Уменьшите скан или "
                           "загрузите PDF.", width=width, height=height,
                           limit=f"{max_pixels() / 1_000_000:g}"))


def clean_image(data: bytes, content_type: str, name: str) -> bytes:
    """The image decoded once, within DOCUMENT_MAX_PIXELS (checked from the header before any
    decoding), and written again by the portal: upright, without metadata."""
    limit = max_pixels()
    Image.MAX_IMAGE_PIXELS = limit  # Pillow's own guard: a warning above, an error at twice
    width = height = 0
    broken = DocumentError(_("Изображение «%(name)s» повреждено и не открывается.",
                             name=name[:100]))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with READERS[content_type](io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > limit:
                    raise _too_many_pixels(width, height)
                Image._decompression_bomb_check(image.size)  # Pillow's guard, the same figure
                image.load()
                upright = ImageOps.exif_transpose(image)
                if content_type == "image/jpeg" and upright.mode not in ("L", "RGB", "CMYK"):
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                upright.save(out, PILLOW_FORMATS[content_type],
                             **({"quality": 90} if content_type == "image/jpeg" else {}))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(width, height) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise broken from None
    return out.getvalue()


def check_file(filename: str, claimed_type: str | None, data: bytes) -> tuple[str, bytes]:
    """The detected content type and the bytes to keep (an image written again), or a
    refusal in Russian: unknown extension, empty, too large, content unlike its name or its
    declared type, an image of too many pixels or that does not decode."""
    name = (filename or "").strip()
    if not name:
        raise DocumentError(_("Выберите файл документа: PDF, JPEG или PNG."))
    promised = EXTENSIONS.get(os.path.splitext(name)[1].lower())
    if promised is None:
        raise DocumentError(_("Принимаются только файлы PDF, JPEG и PNG."))
    if not data:
        raise DocumentError(_("Файл пуст."))
    if len(data) > max_bytes():
        raise DocumentTooLarge(too_large_message())
    detected = detect_type(data)
    if detected is None:
        raise DocumentError(_("Файл «%(name)s» не является %(promised)s: по содержимому это не "
                              "PDF, JPEG или PNG.", name=name[:100], promised=TYPE_NAMES[promised]))
    claimed = (claimed_type or "").split(";")[0].strip().lower()
    wrong = promised if detected != promised else (
        claimed if claimed in STORED_SUFFIX and claimed != detected else None)
    if wrong is not None:
        raise DocumentError(_("Содержимое файла «%(name)s» — %(detected)s, а не %(wrong)s, как "
                              "указано в его имени или типе. Загрузите файл с верным расширением.",
                              name=name[:100], detected=TYPE_NAMES[detected],
                              wrong=TYPE_NAMES[wrong]))
    if detected in PILLOW_FORMATS:
        data = clean_image(data, detected, name)
    return detected, data


# --- quota ----------------------------------------------------------------------------------
def check_quota(user, size: int) -> None:
    """At most DOCUMENT_DAILY_COUNT documents and DOCUMENT_DAILY_MB megabytes per account in
    any 24 hours. The account's row is locked first (PostgreSQL), so parallel uploads of one
    account are counted one after another."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    count_limit = int(current_app.config["DOCUMENT_DAILY_COUNT"])
    byte_limit = int(current_app.config["DOCUMENT_DAILY_MB"]) * 1024 * 1024
    count, used = db.session.execute(
        select(func.count(AbsenceDocument.id), func.coalesce(func.sum(AbsenceDocument.size), 0))
        .where(AbsenceDocument.uploaded_by_id == user.id,
               AbsenceDocument.uploaded_at >= clock.now() - timedelta(hours=24))).one()
    if count >= count_limit:
        raise DocumentQuota(_("За сутки с одной учётной записи загружается не более %(count)s "
                              "документов; это число достигнуто. Загрузите документ позже или "
                              "обратитесь к куратору.", count=count_limit))
    if used + size > byte_limit:
        raise DocumentQuota(_("За сутки с одной учётной записи загружается не более %(limit)s МБ "
                              "документов; загружено %(used)s МБ, этот файл — %(size)s МБ. "
                              "Загрузите документ позже или уменьшите скан.",
                              limit=current_app.config["DOCUMENT_DAILY_MB"],
                              used=_megabytes(used), size=_megabytes(size)))
