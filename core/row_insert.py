"""Insert rows given as dicts with one prepared statement: Piccolo's insert without its cost.

`Table.insert(Table(...))` builds a `Table` instance per row and a nested query string per
insert, then flattens it again: on the order path that was a third of the request's Python
time. Here the statement text is built once per (table, row count) and cached; each row is
a dict of column name → value, completed with the column defaults exactly as `Table(...)`
would (a callable default such as `TimestamptzNow` is called per row) and converted as
Piccolo converts values (JSON columns dumped, enums by value). The primary key is left to
the database. Every column is returned (`RETURNING *`), as `.returning(*all_columns())`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from piccolo.columns import Column
from piccolo.columns.defaults.base import Default
from piccolo.querystring import QueryString
from piccolo.table import Table
from piccolo.utils.sql_values import convert_to_sql_value


@lru_cache(maxsize=256)
def _columns(table: type[Table]) -> tuple[Column, ...]:
    return tuple(c for c in table._meta.columns if not c._meta.primary_key)


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
    columns = _columns(table)
    known = {c._meta.name for c in columns}
    args: list[Any] = []
    for row in rows:
        unknown = row.keys() - known
        if unknown:
            raise ValueError(f"Unrecognised columns of {table.__name__}: {sorted(unknown)}")
        for column in columns:
            name = column._meta.name
            value = row[name] if name in row else _default(column)
            args.append(convert_to_sql_value(value=value, column=column))
    inserted = await table.raw(_statement(table, len(rows)), *args)
    # RETURNING promises no order (SQLite says so); ids are handed out in VALUES order.
    return sorted(inserted, key=lambda row: row["id"])
