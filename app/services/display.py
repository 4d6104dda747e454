"""The version for people with impaired vision (SPEC §8, ГОСТ Р 52872-2019): larger type and
high contrast on every page, each account's own choice, kept across logins and devices. The
pages read the choice with the account itself (security/sessions.py account), at no cost."""
from flask_babel import gettext as _

from ..errors import BadInput
from ..extensions import db
from ..models import DisplayPreference


def low_vision(user) -> bool:
    row = db.session.get(DisplayPreference, user.id)
    return bool(row and row.low_vision)


def set_low_vision(user, value) -> bool:
    """Turn the version on («1») or off («0») for the account; the caller commits."""
    if value not in ("0", "1"):
        raise BadInput(_("Не указано, включить или выключить версию для слабовидящих."))
    row = db.session.get(DisplayPreference, user.id)
    if row is None:
        row = DisplayPreference(user_id=user.id)
        db.session.add(row)
    row.low_vision = value == "1"
    return row.low_vision
