"""Insert rows given as dicts with one prepared statement: Piccolo's insert without its cost.

`Table.insert(Table(...))` builds a `Table` instance per row and a nested query string per
insert, then flattens it again: on the order path that was a third of the request's Python
time. Here the statement text is built once per (table, row count) and cached; each row is
a dict of column name → value, completed with the column defaults exactly as `Table(...)`
would (a callable default such as `TimestamptzNow` is called per row) and converted as
Piccolo converts values (JSON columns dumped, enums by value), and sent through
`core.statements.fetch` (no `QueryString` per insert). The primary key is left to the
database. Every column is returned (`RETURNING *`), as `.returning(*all_columns())`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from piccolo.columns import JSON, JSONB, Column
from piccolo.columns.defaults.base import Default
from piccolo.querystring import QueryString
from piccolo.table import Table
from piccolo.utils.sql_values import convert_to_sql_value

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
def _statement(table: type[Table], row_count: int) -> str:
    columns = _columns(table)
    names = ",".join(f'"{c._meta.db_column_name}"' for c in columns)
    one_row = "(" + ",".join("{}" for _ in columns) + ")"
    values = ",".join(one_row for _ in range(row_count))
    return (
        f"INSERT INTO {table._meta.get_formatted_tablename()} ({names}) VALUES {values} RETURNING *"
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


async def insert_rows(table: type[Table], rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert `rows` in one statement; every column of the inserted rows, in the order given.

    Each row maps column names to values; a missing column gets its default.

    Raises:
        ValueError: a row names a column the table does not have, or omits one without a
            default.
    """
    if not rows:
        return []
    plan = _plan(table)
    known = _known(table)
    args: list[Any] = []
    for row in rows:
        if not row.keys() <= known:
            unknown = sorted(row.keys() - known)
            raise ValueError(f"Unrecognised columns of {table.__name__}: {unknown}")
        for name, column, is_json, fixed in plan:
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
    inserted = await fetch(_statement(table, len(rows)), *args)
    # RETURNING promises no order (SQLite says so); ids are handed out in VALUES order.
    return sorted(inserted, key=lambda row: row["id"])
