"""Password policy (ASVS 2.1): one set of rules for every place a password is set — FAB's
password forms (through `password_validator`), the accounts screen, the own-password form,
the administrator's reset, `flask journal create-admin` and the demo college."""
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from .sessions import previous_password_hashes

MIN_LENGTH = 10
MIN_DISTINCT = 5  # "Aaaaaaaaa1" has two distinct characters
MIN_PART = 3  # shorter logins and names ("it") would forbid half the alphabet
COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
# Rows of the Russian and Latin keyboards and the alphabets: "qwerty", "йцукен", "abcdef".
SEQUENCES = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "0987654321",
             "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba", "йцукенгшщзхъ",
             "фывапролджэ", "ячсмитьбю", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
             "1qaz2wsx3edc4rfv", "qazwsxedcrfv")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    """The password without leading and trailing digits and symbols: "Qwerty2026!" → qwerty."""
    return re.sub(r"^[\d\W_]+|[\d\W_]+$", "", password.lower())


def is_predictable(password: str) -> bool:
    """ASVS 2.1.7: on the common-password list, or built from one repeated character or a
    keyboard/alphabet run."""
    low = password.lower()
    core = _core(password)
    if low in common_passwords() or core in common_passwords():
        return True
    if len(set(low)) < MIN_DISTINCT or re.search(r"(.)\1{3,}", low):
        return True
    letters = re.sub(r"[\d\W_]+", "", low)
    if any(len(part) >= 4 and part in seq for seq in SEQUENCES for part in {core, letters}):
        return True
    return any(low[i:i + RUN] in _runs() for i in range(len(low) - RUN + 1))


RUN = 5  # "qwert", "12345", "abcde" anywhere in the password


@lru_cache(maxsize=1)
def _runs() -> frozenset:
    return frozenset(seq[i:i + RUN] for seq in SEQUENCES for i in range(len(seq) - RUN + 1))


_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                  ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n",
                   "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y",
                   "", "e", "yu", "ya"]))


def _latin(text: str) -> str:
    return "".join(_LATIN.get(ch, ch) for ch in text.lower())


def _contains_personal(password: str, parts: Iterable[str]) -> bool:
    """The login or a name inside the password, also typed in Latin letters ("Petrova")."""
    low = password.lower()
    variants = {v for part in parts if part for v in (part.lower(), _latin(part))}
    return any(len(v) >= MIN_PART and v in low for v in variants)


def _reused(password: str, previous: Iterable[str]) -> bool:
    for stored in previous:
        if not stored:
            continue
        try:
            if check_password_hash(stored, password):
                return True
        except ValueError:  # a hash of an unknown method: nothing to compare
            continue
    return False


def password_problems(password: str, username: str = "", names: Iterable[str] = (),
                      previous: Iterable[str] = ()) -> list[str]:
    """Every rule the password breaks, as Russian phrases. `names` are the person's first,
    last and middle names; `previous` the stored hashes of the current and the previous
    password (ASVS 2.1.1, 2.1.7, 2.1.10 as adopted in SECURITY.md)."""
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("не короче %(limit)s символов", limit=MIN_LENGTH))
    if not re.search(r"[A-ZА-ЯЁ]", password):
        problems.append(_("хотя бы одна заглавная буква"))
    if not re.search(r"[a-zа-яё]", password):
        problems.append(_("хотя бы одна строчная буква"))
    if not re.search(r"\d", password):
        problems.append(_("хотя бы одна цифра"))
    if password and is_predictable(password):
        problems.append(_("не из списка распространённых паролей и не из повторов "
                          "или рядов клавиатуры"))
    if _contains_personal(password, [username or "", (username or "").split("@")[0]]):
        problems.append(_("без логина"))
    if _contains_personal(password, names):
        problems.append(_("без имени и фамилии"))
    if password and _reused(password, previous):
        problems.append(_("не совпадает с текущим или предыдущим паролем"))
    return problems


def account_problems(password: str, user) -> list[str]:
    """The rules for a password of an existing account (`user` is FAB's User)."""
    return password_problems(
        password, username=user.username or "",
        names=(user.first_name or "", user.last_name or "",
               (user.email or "").split("@")[0]),
        previous=previous_password_hashes(user))


def password_validator(password: str) -> None:
    """FAB's FAB_PASSWORD_COMPLEXITY_VALIDATOR: the rules that need no account."""
    problems = password_problems(password)
    if problems:
        raise PasswordComplexityValidationError(
            _("Пароль слишком простой: %(problems)s.", problems=", ".join(problems))
        )
