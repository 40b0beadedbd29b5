"""Insert rows given as dicts with one prepared statement: Piccolo's insert without its cost.

`Table.insert(Table(...))` builds a `Table` instance per row and a nested query string per
insert, then flattens it again: on the order path that was a third of the request's Python
time. Here the statement text is built once per (table, row count) and cached; each row is
a dict of column name → value, completed with the column defaults exactly as `Table(...)`
would (a callable default such as `TimestamptzNow` is called per row) and converted as
Piccolo converts values (JSON columns dumped, enums by value), and sent through
`core.statements.fetch` (no `QueryString` per insert). The primary key is left to the
database. Every column is returned (`RETURNING *`), as `.returning(*all_columns())`, or only
the ids where the caller needs no more (`ids_only=True`: each value returned is read
through the driver's type conversion, so a ledger row's dozen columns cost time for nothing).
`insert_numbered` inserts one row whose number is made from its own id in the same
statement (an order's `KQ<date>-<id>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from piccolo.columns import JSON, JSONB, Column
from piccolo.columns.defaults.base import Default
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString
from piccolo.table import Table
from piccolo.utils.sql_values import convert_to_sql_value

from core.database import current_engine
from core.statements import fetch

#: Values the database takes as they are in a column that is not JSON: Piccolo's converter
#: would return them unchanged after a dozen isinstance checks each.
_PLAIN = frozenset({int, str, float, bool, type(None), datetime, date, Decimal, bytes})


@lru_cache(maxsize=256)
def _columns(table: type[Table]) -> tuple[Column, ...]:
    return tuple(c for c in table._meta.columns if not c._meta.primary_key)


#: Marks a column whose default is made per row (a callable such as `TimestamptzNow`).
_PER_ROW = object()


def _fixed_default(column: Column) -> Any:
    """The column's default when it is the same value for every row, else `_PER_ROW`."""
    default = getattr(column, "default", ...)
    if isinstance(default, Default) or callable(default):
        return _PER_ROW
    try:
        value = _default(column)
    except ValueError:  # no default: say so for the row that omits it
        return _PER_ROW
    if isinstance(column, JSON | JSONB) or type(value) not in _PLAIN:
        value = convert_to_sql_value(value=value, column=column)
    return value


@lru_cache(maxsize=256)
def _plan(table: type[Table]) -> tuple[tuple[str, Column, bool, Any], ...]:
    """(name, column, is JSON, fixed default or `_PER_ROW`) of each column, in order."""
    return tuple(
        (c._meta.name, c, isinstance(c, JSON | JSONB), _fixed_default(c)) for c in _columns(table)
    )


@lru_cache(maxsize=256)
def _known(table: type[Table]) -> frozenset[str]:
    return frozenset(c._meta.name for c in _columns(table))


@lru_cache(maxsize=256)
def _statement(table: type[Table], row_count: int, returning: str) -> str:
    columns = _columns(table)
    names = ",".join(f'"{c._meta.db_column_name}"' for c in columns)
    one_row = "(" + ",".join("{}" for _ in columns) + ")"
    values = ",".join(one_row for _ in range(row_count))
    return (
        f"INSERT INTO {table._meta.get_formatted_tablename()} ({names}) VALUES {values} "
        f"RETURNING {returning}"
    )


def _default(column: Column) -> Any:
    value = column.get_default_value()
    if isinstance(value, Default):
        value = value.python()
    if isinstance(value, QueryString):  # an SQL default (none of ours): not supported here
        raise ValueError(f"{column._meta.name} has an SQL default: give it a value")
    if value is None and not column._meta.null:
        raise ValueError(f"{column._meta.name} wasn't provided")
    return value


def _add_values(table: type[Table], row: dict[str, Any], args: list[Any]) -> None:
    """Append the row's database values, column by column, to `args`."""
    if not row.keys() <= _known(table):
        unknown = sorted(row.keys() - _known(table))
        raise ValueError(f"Unrecognised columns of {table.__name__}: {unknown}")
    for name, column, is_json, fixed in _plan(table):
        if name in row:
            value = row[name]
        elif fixed is not _PER_ROW:
            args.append(fixed)  # already a database value
            continue
        else:
            value = _default(column)
        if is_json or type(value) not in _PLAIN:
            value = convert_to_sql_value(value=value, column=column)
        args.append(value)


async def insert_rows(
    table: type[Table], rows: Sequence[dict[str, Any]], *, ids_only: bool = False
) -> list[dict[str, Any]]:
    """Insert `rows` in one statement; every column of the inserted rows, in the order given.

    Each row maps column names to values; a missing column gets its default. With
    `ids_only`, each returned row holds only its `id`.

    Raises:
        ValueError: a row names a column the table does not have, or omits one without a
            default.
    """
    if not rows:
        return []
    args: list[Any] = []
    for row in rows:
        _add_values(table, row, args)
    returning = '"id"' if ids_only else "*"
    inserted = await fetch(_statement(table, len(rows), returning), *args)
    # RETURNING promises no order (SQLite says so); ids are handed out in VALUES order.
    return sorted(inserted, key=lambda row: row["id"])


@lru_cache(maxsize=32)
def _numbered_statement(table: type[Table], number_column: str, postgres: bool) -> str:
    """INSERT of one row with its id drawn in the statement and `prefix || id` as its number.

    PostgreSQL draws the id from the table's sequence once (a materialised CTE), so
    concurrent writers in any process get distinct ids. SQLite takes the next rowid as it
    would itself (the largest + 1: the tables are `INTEGER PRIMARY KEY`, without
    AUTOINCREMENT); the statement reads and writes under the one write lock SQLite has, so
    no other writer comes in between.
    """
    columns = _columns(table)
    name = table._meta.get_formatted_tablename()
    names = ",".join(f'"{c._meta.db_column_name}"' for c in columns)
    if postgres:
        new_id = "(SELECT id FROM new_id)"
        digits = f"lpad({new_id}::text, GREATEST(6, length({new_id}::text)), '0')"
        head = (
            "WITH new_id AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence("
            f"'{name}', 'id')) AS id) "
        )
    else:
        new_id = f'(SELECT COALESCE(MAX("id"), 0) + 1 FROM {name})'
        digits = f"printf('%06d', {new_id})"
        head = ""
    values = ",".join(
        f"{{}} || {digits}" if c._meta.name == number_column else "{}" for c in columns
    )
    return f'{head}INSERT INTO {name} ("id",{names}) VALUES ({new_id},{values}) RETURNING *'


async def insert_numbered(
    table: type[Table], row: dict[str, Any], *, number_column: str, prefix: str
) -> dict[str, Any]:
    """Insert one row whose `number_column` is `prefix` + its own id, at least 6 digits.

    One statement: the id is drawn and the number written with it (`prefix` + `f"{id:06d}"`),
    where an INSERT then an UPDATE of the number were two. Every column is returned.
    """
    if number_column in row:
        raise ValueError(f"{number_column} is made from the id: do not give it")
    args: list[Any] = []
    _add_values(table, {**row, number_column: prefix}, args)
    postgres = isinstance(current_engine(), PostgresEngine)
    return (await fetch(_numbered_statement(table, number_column, postgres), *args))[0]
