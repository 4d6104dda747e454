"""Password policy (ASVS 2.1): the validator FAB calls on every password form."""
import re

from flask_appbuilder.exceptions import PasswordComplexityValidationError

MIN_LENGTH = 10


def password_problems(password: str) -> list[str]:
    problems = []
    if len(password or "") < MIN_LENGTH:
        problems.append(f"не короче {MIN_LENGTH} символов")
    if not re.search(r"[A-ZА-ЯЁ]", password or ""):
        problems.append("хотя бы одна заглавная буква")
    if not re.search(r"[a-zа-яё]", password or ""):
        problems.append("хотя бы одна строчная буква")
    if not re.search(r"\d", password or ""):
        problems.append("хотя бы одна цифра")
    return problems


def password_validator(password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise PasswordComplexityValidationError(
            "Пароль слишком простой: " + ", ".join(problems) + "."
        )
