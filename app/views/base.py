"""Building blocks of the portal's model views: row scopes, eager loading, Russian choices,
validation with Russian messages and database integrity errors turned into flash messages."""
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from flask import Response, g
from flask_appbuilder import ModelView
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla import filters as sqla_filters
from flask_appbuilder.models.sqla.filters import get_field_setup_query
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import exists, inspect, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import joinedload
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..errors import DomainError, Refused
from ..infra.text_hygiene import TextRefused
from ..labels import STATUSES, yes_no
from ..models import Model
from ..services.records import audit
from ..web import ru_date

# Stored codes → what the college reads (SPEC: the UI speaks Russian).
GROUP_STATUSES = STATUSES["group"]  # statuses: one table, app/labels
STUDENT_STATUSES = STATUSES["student"]
STATUS_CHANGE_KINDS = STATUSES["status_change"]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(body: bytes, filename: str) -> Response:
    """An XLSX file to download (`filename`: ASCII, e.g. "debts.xlsx")."""
    return Response(body, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _blank(value):
    return "" if value is None else value


class RecordRefused(Refused):
    """A change refused with a Russian message; FAB flashes it and nothing is written."""


def integrity_message(exc: Exception) -> str:
    """A Russian explanation of a database integrity error (never the SQL text itself)."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlstate", None) or ""
    text = str(orig).lower()
    if code == "23505" or "unique" in text:
        return str(_("Такая запись уже существует."))
    if code == "23503" or "foreign key" in text:
        return str(_("Запись связана с другими данными: операция невозможна."))
    if code == "23502" or "not null" in text:
        return str(_("Не заполнено обязательное поле."))
    if code == "23514" or "check" in text:
        return str(_("Значения не проходят проверку: проверьте даты, часы и номера."))
    return str(_("Данные не сохранены: они противоречат другим записям."))


def _remember(message: str) -> str:
    g.journal_db_error = message
    return message


# Relationships a model's __repr__ reads (a subgroup is named with its group's name).
NAME_NEEDS = {"Subgroup": ("group",), "Period": ("academic_year",), "StaffProfile": ("user",)}


class _YesNo:
    """FAB compares a boolean column with the raw text of any value but "y": PostgreSQL
    refuses `active = 'zzz'` with a 500. "y", "true", "1", "on" read as yes, the rest as no."""

    def apply(self, query, value):
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(self.compare(field, str(value).strip().lower()
                                         in ("y", "yes", "true", "1", "on")))


class BooleanEqual(_YesNo, sqla_filters.FilterEqual):
    compare = staticmethod(lambda field, flag: field == flag)


class BooleanNotEqual(_YesNo, sqla_filters.FilterNotEqual):
    compare = staticmethod(lambda field, flag: field != flag)


def _decimal(value):
    if isinstance(value, (list, tuple)):
        return [_decimal(v) for v in value]
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None


class _NumericValue:
    """FAB passes the text of a filter on a NUMERIC column (hours) to the database as text:
    PostgreSQL refuses `numeric = varchar`. The value is compared as a number."""

    def apply(self, query, value):
        return super().apply(query, _decimal(value))


def _numeric(filter_class):
    return type(f"Numeric{filter_class.__name__}", (_NumericValue, filter_class), {})


def _converted(kind: str, found: list) -> list:
    if kind == "is_boolean":
        return [BooleanEqual, BooleanNotEqual]
    if kind == "is_numeric":
        return [_numeric(f) for f in found]
    return found


class FilterConverter(sqla_filters.SQLAFilterConverter):
    conversion_table = tuple((kind, _converted(kind, found))
                             for kind, found in sqla_filters.SQLAFilterConverter.conversion_table)


class EagerInterface(SQLAInterface):
    """SQLAInterface that loads the listed relationships in the page query itself, and turns
    database errors into RecordRefused with a Russian message.

    List views show related rows (a student's group, a load's teacher); without this every
    row would trigger its own lazy load.
    """

    filter_converter_class = FilterConverter

    def __init__(self, obj, session=None, eager: tuple[str, ...] = ()):
        super().__init__(obj, session=session)
        self.eager = eager

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        for path in self.eager:
            option, model = None, self.obj
            for attr_name in path.split("."):
                attr = getattr(model, attr_name)
                # joined into the page query: select-in loading would split the ids into
                # batches of 500, so the query count would grow with the page size
                option = joinedload(attr) if option is None else option.joinedload(attr)
                model = attr.property.mapper.class_
            query = query.options(option)
        return query

    def get_related_interface(self, col_name: str):
        """Pickers and search selects print related rows; load what their names need."""
        model = self.get_related_model(col_name)
        return EagerInterface(model, eager=NAME_NEEDS.get(model.__name__, ()))

    def _guarded(self, operation, item, commit):
        try:
            operation(item, commit=commit)
        except TextRefused as exc:  # a value longer than its column, on every database
            self.session.rollback()
            raise RecordRefused(_remember(exc.message)) from None
        except (SQLAlchemyError, DatabaseException) as exc:  # FAB wraps edit/delete errors
            self.session.rollback()
            cause = exc.__cause__ if isinstance(exc.__cause__, SQLAlchemyError) else exc
            if isinstance(cause, IntegrityError):
                raise RecordRefused(_remember(integrity_message(cause))) from None
            raise RecordRefused(_remember(str(_("Ошибка базы данных: данные не сохранены."))))\
                from None

    # 4.1 (152-FZ): every change made on an admin screen is audited in the same transaction
    def _audited(self, action, item, details, commit, change) -> None:
        change(item)
        self.session.flush()
        audit.record(action, self.obj.__tablename__, getattr(item, "id", None), details=details)
        if commit:
            self.session.commit()

    def add(self, item, commit: bool = True) -> None:
        self._guarded(lambda i, commit: self._audited(
            "create", i, None, commit, self.session.add), item, commit)

    def edit(self, item, commit: bool = True) -> None:
        self._guarded(lambda i, commit: self._audited(
            "update", i, changes(i), commit, self.session.merge), item, commit)

    def delete(self, item, commit: bool = True) -> None:
        self._guarded(lambda i, commit: self._audited(
            "delete", i, {"было": str(i)}, commit, self.session.delete), item, commit)


def changes(item) -> dict:
    """{field: [before, after]} of a changed row, read before it is flushed."""
    state, found = inspect(item), {}
    for attr in state.mapper.attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            found[attr.key] = [", ".join(map(str, history.deleted)) or None,
                               ", ".join(map(str, history.added)) or None]
    return found


def referenced_elsewhere(session, item, skip_prefix: str | None = None) -> bool:
    """True when another row points at `item` through a foreign key (checked on every
    database, SQLite included, so a delete never leaves orphans)."""
    table = type(item).__table__
    for other in Model.metadata.sorted_tables:
        if skip_prefix and other.name.startswith(skip_prefix):
            continue
        for fk in other.foreign_keys:
            if fk.column.table is not table or fk.ondelete:
                continue
            value = getattr(item, fk.column.key, None)
            if value is not None and session.scalar(
                    select(exists().where(fk.parent == value))):
                return True
    return False


class JournalModelView(ModelView):
    """Common settings of every admin screen: Russian labels and choices, dd.mm.yyyy dates,
    validation in one place (`validate(item)` raises RecordRefused with a Russian message)."""
    page_size = 50
    choices: dict[str, dict] = {}  # column → {stored code: Russian label}

    add_integrity_error_message = edit_integrity_error_message = _("Такая запись уже существует.")
    delete_integrity_error_message = _("Запись связана с другими данными: удаление невозможно.")
    add_row_message = _("Запись добавлена")
    edit_row_message = _("Изменения сохранены")
    delete_row_message = _("Запись удалена")

    @property
    def database_error_message(self):
        return g.get("journal_db_error") or _("Ошибка базы данных: данные не сохранены.")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.choices:
            return
        labels = cls.__dict__.get("label_columns") or getattr(cls, "label_columns", {})
        add_fields = dict(cls.add_form_extra_fields or {})
        edit_fields = dict(cls.edit_form_extra_fields or {})
        search_fields = dict(cls.search_form_extra_fields or {})
        formatters = dict(cls.formatters_columns or {})
        for column, mapping in cls.choices.items():
            options = [SelectChoice(code, label) for code, label in mapping.items()]
            field = SelectField(labels.get(column, column), choices=options,
                                validators=[DataRequired(message=_("Выберите значение."))])
            add_fields.setdefault(column, field)
            edit_fields.setdefault(column, field)
            search_fields.setdefault(column, SelectField(labels.get(column, column),
                                                         choices=options))
            formatters.setdefault(column, lambda v, m=mapping: m.get(v, v) if v else "")
        cls.add_form_extra_fields, cls.edit_form_extra_fields = add_fields, edit_fields
        cls.search_form_extra_fields, cls.formatters_columns = search_fields, formatters

    def __init__(self, *args, **kwargs):
        formatters = dict(self.formatters_columns or {})
        for column in self.datamodel.get_columns_list():
            if self.datamodel.is_date(column) or self.datamodel.is_datetime(column):
                formatters.setdefault(column, ru_date)
            elif self.datamodel.is_boolean(column):
                formatters.setdefault(column, yes_no)  # да/нет, never True/False
        self.formatters_columns = formatters
        super().__init__(*args, **kwargs)
        for column in set(self.list_columns) | set(self.show_columns):
            self.formatters_columns.setdefault(column, _blank)  # no "None" on screen

    # --- validation ----------------------------------------------------------------------------
    def validate(self, item) -> None:
        """Override: raise RecordRefused(Russian message) when `item` breaks a rule."""

    @contextmanager
    def refusal_rolls_back(self):
        """A row refused by `validate` or by a service writes nothing; FAB flashes the message
        (its add and edit catch whatever pre_add and pre_update raise)."""
        try:
            yield
        except DomainError:
            self.datamodel.session.rollback()  # the form had already filled the item
            raise

    def _checked(self, item) -> None:
        with self.datamodel.session.no_autoflush, self.refusal_rolls_back():
            self.validate(item)

    def pre_add(self, item) -> None:
        self._checked(item)

    def pre_update(self, item) -> None:
        self._checked(item)

    def pre_delete(self, item) -> None:
        if referenced_elsewhere(self.datamodel.session, item):
            raise RecordRefused(str(_("Запись используется в других данных: удалите или "
                                      "измените их прежде.")))


def date_order(item, start: str, end: str, message, allow_equal: bool = False) -> None:
    first, last = getattr(item, start), getattr(item, end)
    if first and last and (last < first or (last == first and not allow_equal)):
        raise RecordRefused(str(message))


class ScopeFilter(BaseFilter):
    """Row-level scope as a base filter: `scope(user)` returns a SQL condition on the model."""
    name = "Область видимости"
    arg_name = None
    scope = None  # set by scoped()

    def apply(self, query, value):
        return query.filter(type(self).scope(current_user))


def scope_filter_class(scope_fn):
    return type(f"Scope_{scope_fn.__name__}", (ScopeFilter,), {"scope": staticmethod(scope_fn)})


def scoped(scope_fn):
    """base_filters entry restricting a view to the rows `scope_fn(user)` allows."""
    return ["id", scope_filter_class(scope_fn), lambda: None]


def scoped_choices(scope_fn):
    """A `*_query_rel_fields` entry: a select lists only the rows `scope_fn(user)` allows."""
    return [["id", scope_filter_class(scope_fn), None]]


class UsersWithRole(BaseFilter):
    """Account pickers list only active accounts holding one of the roles given as value."""
    name = "Роль"
    arg_name = None

    def apply(self, query, value):
        return query.filter(User.active.is_(True), User.roles.any(Role.name.in_(value)))


def users_with_role(*roles):
    return [["id", UsersWithRole, roles]]
