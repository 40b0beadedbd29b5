"""Database engines: build one from a URL, bind every table to it, check it is alive."""

from __future__ import annotations

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
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

#: Seconds a SQLite writer waits for the lock before giving up; orders queue behind
#: each other instead of failing with "database is locked" under a burst.
SQLITE_BUSY_TIMEOUT_S = 30


def make_engine(database_url: str) -> Engine:
    """Return a Piccolo engine for `sqlite:///file` or `postgresql://…`."""
    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite":
        path = Path(database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
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
    return False


async def release_engine(engine: Engine) -> None:
    """Close the pool opened by `prepare_engine`."""
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


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
