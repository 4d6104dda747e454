"""The arguments of a model view's list (page, page size, order, filters) checked before
Flask-AppBuilder reads them: an unknown column or an absurd number is a 400 with a Russian
message, never a 500 (finding 9)."""
import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _

# --- list arguments (finding 9) ---------------------------------------------------------------
MAX_PAGE_SIZE = 2000  # the largest list the college prints on one page


MAX_PAGE = 100_000


_ORDER_RE = re.compile(r"_oc_(.+)")


_DIRECTION_RE = re.compile(r"_od_(.+)")


_FILTER_RE = re.compile(r"_flt_(\d+)_(.*)")


def _whole(value: str, low: int, high: int) -> bool:
    return value.strip().isdigit() and low <= int(value) <= high


def list_argument_problem(args, views: dict, current) -> str | None:
    """A Russian reason when the sort, filter or paging arguments of a list name a column the
    list does not have or a page it cannot show (FAB would answer 500); else None.
    `views`: the registered views by class name; `current`: the view answering."""
    for key in args:
        value = args.get(key, "")
        if (match := _ORDER_RE.fullmatch(key)) and match.group(1) in views:
            if value not in (getattr(views[match.group(1)], "order_columns", None) or ()):
                return str(_("Неизвестный столбец для сортировки: «%(name)s».", name=value))
        elif _DIRECTION_RE.fullmatch(key) and value not in ("asc", "desc"):
            return str(_("Порядок сортировки: asc или desc."))
        elif "psize_" in key and not _whole(value, 1, MAX_PAGE_SIZE):
            return str(_("Число строк на странице: от 1 до %(n)s.", n=MAX_PAGE_SIZE))
        elif "page_" in key and "psize_" not in key and not _whole(value, 0, MAX_PAGE):
            return str(_("Неверный номер страницы."))
        elif match := _FILTER_RE.search(key):
            filters = getattr(current, "_filters", None)
            known = filters._all_filters if filters is not None else {}
            index, column = int(match.group(1)), match.group(2)
            if column not in known or index >= len(known[column]):
                return str(_("Неизвестный фильтр: «%(name)s».", name=column))
            model = current.datamodel
            if model.is_integer(column) and not all(_integer(v) for v in args.getlist(key)):
                return str(_("Фильтр «%(name)s»: нужно целое число.", name=column))
            if (model.is_numeric(column) or model.is_float(column)) and not all(
                    _number(v) for v in args.getlist(key)):
                return str(_("Фильтр «%(name)s»: нужно число.", name=column))
    return None


def _number(value: str) -> bool:
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        return False
    return number.is_finite() and abs(number) < 10**12


def _integer(value: str) -> bool:
    """What an integer column can be compared with on every database (32-bit signed)."""
    try:
        return -2**31 <= int(value) < 2**31
    except ValueError:
        return False
