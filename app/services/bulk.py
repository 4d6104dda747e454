"""Statements over many rows whose text does not depend on how many rows there are.

On PostgreSQL the rows travel as one array per column: INSERT … SELECT unnest(…), UPDATE …
FROM unnest(…), column = ANY(…). The statement's text is the same for 3 rows or 300, so the
driver keeps it parsed and the server prepares it once per connection. A multi-row VALUES
list is a new statement for every batch: the driver splits its text again (statements over
4 KB or 50 parameters are not cached) and the server parses and plans it again, on every
saved lesson column.

Other databases (SQLite, the embedded default) get the multi-row VALUES and IN lists, which
SQLite handles as cheaply.
"""
from sqlalchemy import Table, any_, bindparam, func, insert, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY

_STATEMENTS = {}  # (kind, table, columns, …) → statement, built once per process


def _postgresql(connection) -> bool:
    return connection.dialect.name == "postgresql"


def _arrays(names, rows) -> dict:
    return {f"u_{name}": [row[name] for row in rows] for name in names}


def _unnest(table: Table, names: tuple):
    """SELECT unnest(:u_a::type[]) AS a, unnest(:u_b::type[]) AS b, … — the rows, zipped."""
    return select(*[func.unnest(bindparam(f"u_{name}", type_=ARRAY(table.c[name].type)))
                    .label(name) for name in names])


def insert_rows(connection, table: Table, rows: list[dict], returning=()):
    """INSERT the rows (dicts with the same keys) in one statement; → the RETURNING rows."""
    if not rows:
        return []
    names = tuple(rows[0])
    columns = tuple(table.c[name] for name in returning)
    if not _postgresql(connection):
        # one multi-row VALUES statement (RETURNING keeps SQLAlchemy from running it row by row)
        stmt = insert(table).returning(*(columns or (table.primary_key.columns[0],)))
        result = connection.execute(stmt, rows)
        return result.all() if columns else []
    key = ("insert", table.name, names, returning)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = insert(table).from_select(names, _unnest(table, names))
        if columns:
            stmt = stmt.returning(*columns)
        stmt = _STATEMENTS[key] = stmt
    result = connection.execute(stmt, _arrays(names, rows))
    return result.all() if columns else []


def update_rows(connection, table: Table, match: tuple, rows: list[dict], values: dict,
                common: dict | None = None) -> int:
    """UPDATE one row per dict, found by the `match` columns (all equal), in one statement;
    → the number of rows updated.

    `values` maps a column to what it is set to: the name of a key of the rows (a string),
    or an expression of the table's own columns (e.g. `table.c.version + 1`). `common` holds
    values that are the same for every row (who changed it, when)."""
    if not rows:
        return 0
    names = tuple(rows[0])
    common = common or {}
    if not _postgresql(connection):
        stmt = table.update().where(*[table.c[name] == bindparam(f"b_{name}")
                                      for name in match])
        stmt = stmt.values(**{column: bindparam(f"b_{value}") if isinstance(value, str)
                              else value for column, value in values.items()}, **common)
        return connection.execute(
            stmt, [{f"b_{name}": row[name] for name in names} for row in rows]).rowcount
    key = ("update", table.name, names, match, tuple(values), tuple(common))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        source = _unnest(table, names).subquery("rows")
        stmt = _STATEMENTS[key] = (
            table.update().where(*[table.c[name] == source.c[name] for name in match])
            .values(**{column: source.c[value] if isinstance(value, str) else value
                       for column, value in values.items()},
                    **{column: bindparam(f"c_{column}") for column in common}))
    params = _arrays(names, rows)
    params.update({f"c_{column}": value for column, value in common.items()})
    return connection.execute(stmt, params).rowcount


def among(connection, column, values):
    """`column IN (values)`: on PostgreSQL `column = ANY(:array)`, one text for any count."""
    values = list(values)
    if not _postgresql(connection):
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


def pairs_among(connection, first, second, pairs):
    """`(first, second) IN (pairs)`; on PostgreSQL against two arrays zipped by unnest."""
    pairs = list(pairs)
    if not _postgresql(connection):
        return tuple_(first, second).in_(pairs)
    zipped = select(func.unnest(bindparam(None, [a for a, _ in pairs],
                                          type_=ARRAY(first.type))),
                    func.unnest(bindparam(None, [b for _, b in pairs],
                                          type_=ARRAY(second.type))))
    return tuple_(first, second).in_(zipped)
