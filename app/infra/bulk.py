"""Statements over many rows whose text does not depend on how many rows there are.

On PostgreSQL the rows travel as one JSON document (`json_to_recordset`) or, for a list of
ids, one array literal: INSERT … SELECT FROM json_to_recordset(…), UPDATE … FROM
json_to_recordset(…), column = ANY(…). The statement's text is the same for 3 rows or 300,
so the driver keeps it parsed and the server prepares it once per connection; the rows are
serialised by orjson in one call. A multi-row VALUES list is a new statement for every
batch: the driver splits its text again (statements over 4 KB or 50 parameters are not
cached) and adapts every value on its own, and the server parses and plans it again, on
every saved lesson column.

Other databases (SQLite, the embedded default) get the multi-row VALUES and IN lists, which
SQLite handles as cheaply.
"""
import orjson
from sqlalchemy import Integer, Table, Text, any_, bindparam, cast, column, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY, JSON

from ..extensions import db

_STATEMENTS = {}  # (kind, table, columns, …) → statement, built once per process


def _postgresql(connection) -> bool:
    return connection.dialect.name == "postgresql"


def _recordset(columns, param):
    """json_to_recordset(:param) AS rows(a type, b type, …): the rows of a JSON array of
    objects, typed as the given columns."""
    return (func.json_to_recordset(cast(param, JSON))
            .table_valued(*[column(c.name, c.type) for c in columns])
            .render_derived(name="rows", with_types=True))


def _json(rows) -> str:
    return orjson.dumps(rows).decode()


def insert_rows(connection, table: Table, rows: list[dict], returning=(), along=None):
    """INSERT the rows (dicts with the same keys) in one statement; → the RETURNING rows.

    `along`: (name, a statement with bound parameters, its parameters) that must run in the
    same transaction; on PostgreSQL it is sent with the insert, as a WITH clause (one round
    trip: the audit chain's head moves with its entries)."""
    if not rows:
        return []
    names = tuple(rows[0])
    columns = tuple(table.c[name] for name in returning)
    if not _postgresql(connection):
        # one multi-row VALUES statement (RETURNING keeps SQLAlchemy from running it row by row)
        stmt = insert(table).returning(*(columns or (table.primary_key.columns[0],)))
        result = connection.execute(stmt, rows)
        if along is not None:
            connection.execute(along[1], along[2])
        return result.all() if columns else []

    def build():
        rows_in = _recordset([table.c[name] for name in names], bindparam("rows", type_=Text))
        stmt = insert(table).from_select(names, select(*[rows_in.c[name] for name in names]))
        if along is not None:
            stmt = stmt.add_cte(along[1].cte(along[0]))
        return stmt.returning(*columns) if columns else stmt
    stmt = statement(("insert", table.name, names, returning, along and along[0]), build)
    result = connection.execute(stmt, {"rows": _json(rows), **(along[2] if along else {})})
    return result.all() if columns else []


def upsert_rows(connection, table: Table, rows: list[dict], keys: tuple, where,
                update: tuple) -> None:
    """INSERT the rows in one statement; a row whose `keys` meet an existing row of the unique
    index on `keys` (partial: `where`, a text condition) updates its `update` columns instead.
    The rows must not repeat a key among themselves."""
    if not rows:
        return
    names = tuple(rows[0])
    if not _postgresql(connection):
        stmt = sqlite.insert(table).values(rows)
        connection.execute(stmt.on_conflict_do_update(
            index_elements=list(keys), index_where=where,
            set_={name: stmt.excluded[name] for name in update}))
        return

    def build():
        rows_in = _recordset([table.c[name] for name in names], bindparam("rows", type_=Text))
        stmt = postgresql.insert(table).from_select(
            names, select(*[rows_in.c[name] for name in names]))
        return stmt.on_conflict_do_update(
            index_elements=list(keys), index_where=where,
            set_={name: stmt.excluded[name] for name in update})
    stmt = statement(("upsert", table.name, names, keys, update), build)
    connection.execute(stmt, {"rows": _json(rows)})


def update_rows(connection, table: Table, key: str, rows: list[dict], values: dict,
                common: dict | None = None, match: tuple = ()) -> int:
    """UPDATE one row per dict, found by its integer `key` column (and the `match` columns,
    all equal), in one statement; → the number of rows updated.

    `values` maps a column to what it is set to: the name of a key of the rows (a string),
    or an expression of the table's own columns (e.g. `table.c.version + 1`). `common` holds
    values that are the same for every row (who changed it, when). The statement is built once
    per table, columns and names of `values`: one set of names always means the same
    expressions."""
    if not rows:
        return 0
    names = tuple(rows[0])
    common = common or {}
    match = (key, *match)
    if not _postgresql(connection):
        stmt = table.update().where(*[table.c[name] == bindparam(f"b_{name}")
                                      for name in match])
        stmt = stmt.values(**{column: bindparam(f"b_{value}") if isinstance(value, str)
                              else value for column, value in values.items()}, **common)
        return connection.execute(
            stmt, [{f"b_{name}": row[name] for name in names} for row in rows]).rowcount

    def build():
        # the rows are found through the key's index (= ANY), then joined to their values:
        # a join on the JSON rows alone is planned as a scan of the whole table
        source = _recordset([table.c[name] for name in names], bindparam("rows", type_=Text))
        return (table.update()
                .where(among(connection, table.c[key], "keys"),
                       *[table.c[name] == source.c[name] for name in match])
                .values(**{column: source.c[value] if isinstance(value, str) else value
                           for column, value in values.items()},
                        **{column: bindparam(f"c_{column}") for column in common}))
    stmt = statement(("update", table.name, names, match, tuple(values), tuple(common)),
                     build)
    params = {"rows": _json(rows), "keys": ids(connection, [row[key] for row in rows])}
    params.update({f"c_{column}": value for column, value in common.items()})
    return connection.execute(stmt, params).rowcount


def among(connection, column_, name: str):
    """`column IN (:name)` for an integer column, its value given by ids(): on PostgreSQL
    `column = ANY(:name)`, one statement text for any number of ids."""
    if not _postgresql(connection):
        return column_.in_(bindparam(name, expanding=True))
    return column_ == any_(cast(bindparam(name, type_=Text), ARRAY(Integer)))


def ids(connection, values):
    """The value of among()'s parameter: the ids, or on PostgreSQL their array literal."""
    if not _postgresql(connection):
        return list(values)
    return "{" + ",".join(str(int(v)) for v in values) + "}"


def statement(key, build):
    """A statement built once per process and database kind (its text is the same each time:
    SQLAlchemy finds it compiled by its key, and building it again costs more than that)."""
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = build()
    return stmt


def plain_rows(stmt, params=None) -> list:
    """The rows of a select of columns (no mapped objects), on the session's connection: the
    ORM's execution layer adds nothing to them and costs about as much as the query. The
    rows are fetched at once (one call to the driver, not one per row). The session's
    pending changes are flushed first, as its own execute does. Deleted lessons are not left
    out for the caller (1.6): a statement over lessons says so itself."""
    session = db.session
    if session.autoflush:
        session.flush()
    return session.connection().execute(stmt, params).all()
