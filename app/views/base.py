"""Building blocks of the portal's model views: row scopes and eager loading."""
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_login import current_user
from sqlalchemy.orm import selectinload


class EagerInterface(SQLAInterface):
    """SQLAInterface that loads the listed relationships with one extra query each.

    List views show related rows (a student's group, a load's teacher); without this every
    row would trigger its own lazy load.
    """

    def __init__(self, obj, session=None, eager: tuple[str, ...] = ()):
        super().__init__(obj, session=session)
        self.eager = eager

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        for path in self.eager:
            option, model = None, self.obj
            for attr_name in path.split("."):
                attr = getattr(model, attr_name)
                option = selectinload(attr) if option is None else option.selectinload(attr)
                model = attr.property.mapper.class_
            query = query.options(option)
        return query


class ScopeFilter(BaseFilter):
    """Row-level scope as a base filter: `scope(user)` returns a SQL condition on the model."""
    name = "Область видимости"
    arg_name = None
    scope = None  # set by scoped()

    def apply(self, query, value):
        return query.filter(type(self).scope(current_user))


def scoped(scope_fn):
    """base_filters entry restricting a view to the rows `scope_fn(user)` allows."""
    cls = type(f"Scope_{scope_fn.__name__}", (ScopeFilter,), {"scope": staticmethod(scope_fn)})
    return ["id", cls, lambda: None]
