"""Database engines: build one from a URL, bind every table to it, check it is alive."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from piccolo.apps.migrations.tables import Migration
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.table import Table

#: Seconds a SQLite writer waits for the lock before giving up; orders queue behind
#: each other instead of failing with "database is locked" under a burst.
SQLITE_BUSY_TIMEOUT_S = 30


class _PooledConnection:
    """An aiosqlite connection on loan: `close()` hands it back to its engine's pool."""

    def __init__(self, raw: Any, engine: PooledSQLiteEngine) -> None:
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_engine", engine)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._raw, name, value)

    async def close(self) -> None:
        await self._engine.give_back(self._raw)


class PooledSQLiteEngine(SQLiteEngine):
    """SQLite engine that reuses its connections instead of opening one per use.

    Piccolo's SQLiteEngine opens (and sets up) a new connection for every query outside a
    transaction and for every transaction; on a request that reads a dozen times that
    dominates the time. Here a connection is lent for one query or one transaction and
    handed back when Piccolo closes it, so no two overlapping awaits ever share one.
    """

    def __init__(self, *, path: str, max_idle: int = 8, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._idle: list[Any] = []
        self._max_idle = max_idle

    async def get_connection(self) -> Any:
        """Lend an idle connection, or open one."""
        raw = self._idle.pop() if self._idle else await super().get_connection()
        return _PooledConnection(raw, self)

    async def give_back(self, raw: Any) -> None:
        """Take a lent connection back (closing it when enough are idle)."""
        if raw.in_transaction:  # an interrupted transaction: do not lend its state out
            await raw.close()
        elif len(self._idle) < self._max_idle:
            self._idle.append(raw)
        else:
            await raw.close()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        connection = await self.get_connection()
        try:
            async with connection.execute(query, args or []) as cursor:
                await connection.commit()
                rows = await cursor.fetchall()
        except BaseException:
            await connection._raw.close()
            raise
        await connection.close()
        return rows

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # Piccolo re-sends `PRAGMA foreign_keys = 1` before every statement of a
        # transaction, doubling its round trips to the connection's thread; every
        # connection here got that pragma once, when it was opened (get_connection).
        # RETURNING needs SQLite >= 3.35, checked once in make_engine.
        connection.row_factory = dict_factory
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    async def close_pooled_connections(self) -> None:
        """Close the idle connections (at shut-down)."""
        while self._idle:
            await self._idle.pop().close()


def make_engine(database_url: str) -> Engine:
    """Return a Piccolo engine for `sqlite:///file` or `postgresql://…`."""
    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite":
        if sqlite3.sqlite_version_info < (3, 35):
            raise RuntimeError(f"Kuaiqu needs SQLite 3.35 or newer, not {sqlite3.sqlite_version}")
        path = Path(database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    if parsed.scheme in ("postgres", "postgresql"):
        return PostgresEngine(config={"dsn": database_url})
    raise ValueError(
        f"Unsupported database URL {database_url!r}: use sqlite:///path or postgresql://…"
    )


def is_postgres(engine: Engine) -> bool:
    """Whether `engine` talks to PostgreSQL."""
    return isinstance(engine, PostgresEngine)


def all_tables() -> list[type[Table]]:
    """Every table of every Piccolo app registered in `piccolo_conf`."""
    import piccolo_conf

    return [
        table
        for config in piccolo_conf.APP_REGISTRY.app_configs.values()
        for table in config.table_classes
    ]


def use_engine(engine: Engine) -> None:
    """Point Piccolo (tables and migrations) at `engine`.

    Tables capture their engine when first used; tests swap between SQLite and PostgreSQL
    in one process, so the engine is set on every table and on `piccolo_conf.DB`.
    """
    import piccolo_conf

    piccolo_conf.DB = engine
    for table in [*all_tables(), Migration]:
        table._meta.db = engine


async def prepare_engine(engine: Engine, *, pool_size: int = 10) -> bool:
    """Open what the engine needs to serve requests (a pool on PostgreSQL, WAL on SQLite).

    Returns whether a pool was opened here, so only its opener closes it.
    """
    if isinstance(engine, PostgresEngine):
        if engine.pool is not None:
            return False
        await engine.start_connection_pool(min_size=1, max_size=pool_size)
        return True
    # WAL lets readers go on while one writer commits; it is a property of the file.
    await engine.run_ddl("PRAGMA journal_mode=WAL")
    return isinstance(engine, PooledSQLiteEngine)


async def release_engine(engine: Engine) -> None:
    """Close the pool opened by `prepare_engine`."""
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close_pooled_connections()


async def ping(engine: Engine) -> None:
    """Run a trivial query; raises when the database cannot be reached."""
    await engine.run_ddl("SELECT 1")


#: Callbacks to run once the outermost open write transaction has committed.
_after_commit: ContextVar[list[Callable[[], Awaitable[None]]] | None] = ContextVar(
    "kuaiqu_after_commit", default=None
)


def _begin(engine: Engine) -> Any:
    # On SQLite, BEGIN IMMEDIATE takes the write lock up front: concurrent writers then
    # queue on the busy timeout, where DEFERRED ones would deadlock on the lock upgrade.
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for work that writes; nested calls join the one already open.

    Callbacks registered with `after_commit` inside it run after the outermost transaction
    commits, and not at all when it rolls back: realtime events never announce a change
    that did not happen.
    """
    engine = engine_finder()
    if _after_commit.get() is not None:
        async with _begin(engine):
            yield
        return
    callbacks: list[Callable[[], Awaitable[None]]] = []
    token = _after_commit.set(callbacks)
    try:
        async with _begin(engine):
            yield
    finally:
        _after_commit.reset(token)
    for callback in callbacks:
        await callback()


async def after_commit(callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback` once the current write transaction commits (now, outside one)."""
    pending = _after_commit.get()
    if pending is None:
        await callback()
    else:
        pending.append(callback)
