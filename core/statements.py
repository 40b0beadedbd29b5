"""Run hand-written SQL on the current connection, without Piccolo's query building.

`Table.raw(sql, *args)` wraps every call in a `QueryString`, checks and flattens each
argument, compiles the text again and goes through the query's result processing: on the
order path (a dozen statements per request) that was more Python than SQLite needed to run
them. `fetch` takes the same `{}` placeholders, compiles the text once per (text, argument
count, database) and hands it with the arguments straight to the connection Piccolo would
use: the open transaction's, else one lent for this statement (SQLite: a lone write queues
on the engine's write lock as Piccolo's path does) or one from the pool (PostgreSQL; asyncpg
prepares each text once per connection and reuses it). Rows come back as dicts, as
`Table.raw` returns them. Arguments must already be database values (Piccolo's adapters for
SQLite and asyncpg's codecs apply; JSON is passed as text).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from core.database import PooledSQLiteEngine, current_engine


@lru_cache(maxsize=512)
def _compiled(sql: str, count: int, postgres: bool) -> str:
    marks = [f"${n}" for n in range(1, count + 1)] if postgres else ["?"] * count
    return sql.format(*marks)


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run `sql` (`{}` marks each argument) and return its rows as dicts."""
    engine = current_engine()
    if isinstance(engine, PooledSQLiteEngine):
        text = _compiled(sql, len(args), False)
        open_sqlite = engine.current_transaction.get()
        if open_sqlite is not None:
            rows: list[dict[str, Any]] = open_sqlite.connection.raw.execute(text, args).fetchall()
            return rows
        if text.lstrip()[:6].upper() == "SELECT":
            return engine._run_now(text, list(args))
        rows = await engine.run_lone_write(text, list(args))
        return rows
    if isinstance(engine, PostgresEngine):
        text = _compiled(sql, len(args), True)
        transaction = engine.current_transaction.get()
        if transaction is not None:
            records = await transaction.connection.fetch(text, *args)
        elif engine.pool is not None:
            async with engine.pool.acquire() as connection:
                records = await connection.fetch(text, *args)
        else:
            connection = await engine.get_new_connection()
            try:
                records = await connection.fetch(text, *args)
            finally:
                await connection.close()
        return [dict(record.items()) for record in records]
    # Any other engine (none is configured by make_engine): Piccolo's own path.
    from piccolo.querystring import QueryString

    raw: list[dict[str, Any]] = engine.transform_response_to_dicts(
        await engine.run_querystring(QueryString(sql, *args))
    )
    return raw
