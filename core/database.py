"""Database engines: build one from a URL, bind every table to it, check it is alive."""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import asyncpg
from piccolo.apps.migrations.tables import Migration
from piccolo.columns.combination import Where
from piccolo.columns.operators.comparison import ComparisonOperator
from piccolo.conf.apps import Finder
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString
from piccolo.table import Table

from core.sqlite_writer import (
    INLINE_CHECKPOINT_PAGES,
    LoopWriter,
    WriteGroup,
    to_the_end_in_thread,
)

#: Seconds a SQLite writer waits for the lock before giving up; orders queue behind
#: each other instead of failing with "database is locked" under a burst.
SQLITE_BUSY_TIMEOUT_S = 30


class _Cursor:
    """A sqlite3 cursor with the awaitable methods Piccolo expects of an aiosqlite one."""

    def __init__(self, raw: sqlite3.Cursor) -> None:
        self._raw = raw

    async def fetchall(self) -> list[Any]:
        return self._raw.fetchall()

    async def fetchmany(self, size: int) -> list[Any]:
        return self._raw.fetchmany(size)

    async def close(self) -> None:
        self._raw.close()


class _LoopConnection:
    """A sqlite3 connection used synchronously on the event-loop thread, on loan.

    It offers the awaitable surface Piccolo uses of an aiosqlite connection (`execute`,
    `commit`, `close`, `row_factory`); `close()` hands it back to its engine's pool.
    """

    def __init__(self, raw: sqlite3.Connection, engine: PooledSQLiteEngine) -> None:
        self.raw = raw
        self._engine = engine

    @property
    def row_factory(self) -> Any:
        return self.raw.row_factory

    @row_factory.setter
    def row_factory(self, value: Any) -> None:
        self.raw.row_factory = value

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    async def execute(self, sql: str, *args: Any) -> _Cursor:
        return _Cursor(self.raw.execute(sql, *args))

    async def commit(self) -> None:
        self.raw.commit()

    async def close(self) -> None:
        self._engine.give_back(self.raw)


#: Piccolo registers a converter for INTEGER columns that reads every value as text and
#: back through `Decimal` (to accept a REAL such as 1.0 in an INTEGER column, which SQLite's
#: INTEGER affinity already stores as the integer 1). sqlite3's own reading is exact for
#: every 64-bit value and costs no Python call: about 0.5 µs saved per integer read (every
#: id, quantity and amount of every page). Every column type else keeps Piccolo's converter.
sqlite3.converters.pop("INTEGER", None)


class _SerialisedTransaction(SQLiteTransaction):
    """A SQLite transaction that takes its turn among this process's writers.

    Statements run synchronously on the loop thread, so a transaction only lets others in
    where it awaits something else (a payment provider, a publish). Were a second
    transaction to ask SQLite for the write lock meanwhile, its busy wait would block the
    very loop the first one needs to finish: so transactions queue on the loop's writer
    (`core.sqlite_writer`). Write (IMMEDIATE) transactions join its group commit: each in
    its own savepoint of a shared SQLite transaction, ending once that one commits. Other
    kinds end the open group first and run a transaction of their own.
    """

    _writer: LoopWriter | None = None
    _group: WriteGroup | None = None

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        engine = self.engine
        assert isinstance(engine, PooledSQLiteEngine)
        writer = engine.writer()
        await writer.acquire()
        self._writer = writer
        try:
            if self.transaction_type is TransactionType.immediate:
                self._group = writer.join_group()
                self.connection = _LoopConnection(self._group.raw, engine)
                self.context = engine.current_transaction.set(self)
                return self
            await writer.flush()
            return await super().__aenter__()
        except BaseException:
            self._release()
            raise

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent is not None:
            return exception is None
        group = self._group
        if group is None:
            try:
                return await super().__aexit__(exception_type, exception, traceback)
            finally:
                self._release()
        writer = self._writer
        assert writer is not None
        self._writer = None  # end_member releases the turn
        try:
            await writer.end_member(group, keep=exception is None)
        except Exception:
            if exception is None:
                raise
            # This member's own error is the one to report; its work was rolled back anyway.
        finally:
            self.engine.current_transaction.reset(self.context)
        return exception is None

    async def commit(self) -> None:
        """COMMIT in a worker thread: it waits for the disk, and the loop serves meanwhile."""
        raw = self.connection.raw
        await to_the_end_in_thread(lambda: raw.execute("COMMIT"))
        self._committed = True

    def _release(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.release()


#: Statements (by their first six letters) that change rows and may run in a transaction.
_ROW_CHANGES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC"})


class PooledSQLiteEngine(SQLiteEngine):
    """SQLite engine that runs statements on the event-loop thread over pooled connections.

    Piccolo's SQLiteEngine opens (and sets up) a new aiosqlite connection — a new thread —
    for every query outside a transaction and for every transaction, and hands every
    statement to that thread and back. SQLite answers in microseconds from its page cache,
    so those hand-offs were most of an order's time. Here each statement runs directly on
    the loop thread (an `await` that never suspends), over a connection lent for one query
    or one transaction; transactions and writes outside them take turns on one writer per
    loop (`_SerialisedTransaction`, `core.sqlite_writer`), so no busy wait ever blocks the
    loop on this process, and queued writes share their COMMITs (group commit). Another
    process holding the write lock (a CLI command) is waited for with SQLite's busy timeout.
    """

    def __init__(self, *, path: str, max_idle: int = 8, **connection_kwargs: Any) -> None:
        super().__init__(path=path, check_same_thread=False, **connection_kwargs)
        self._idle: list[sqlite3.Connection] = []
        self._max_idle = max_idle
        self._writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopWriter] = (
            weakref.WeakKeyDictionary()
        )

    def writer(self) -> LoopWriter:
        """This event loop's writer, whose turns transactions and lone writes take."""
        loop = asyncio.get_running_loop()
        writer = self._writers.get(loop)
        if writer is None:
            writer = self._writers[loop] = LoopWriter(self._lend, self.give_back)
        return writer

    def _lend(self) -> sqlite3.Connection:
        if self._idle:
            return self._idle.pop()
        raw = sqlite3.connect(**self.connection_kwargs)
        raw.row_factory = dict_factory
        raw.execute("PRAGMA foreign_keys = 1")
        raw.execute(f"PRAGMA wal_autocheckpoint = {INLINE_CHECKPOINT_PAGES}")
        return raw

    async def get_connection(self) -> Any:
        """Lend an idle connection, or open one."""
        return _LoopConnection(self._lend(), self)

    def give_back(self, raw: sqlite3.Connection) -> None:
        """Take a lent connection back (closing it when enough are idle)."""
        if raw.in_transaction:  # an interrupted transaction: do not lend its state out
            raw.close()
        elif len(self._idle) < self._max_idle:
            self._idle.append(raw)
        else:
            raw.close()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        """A transaction that queues behind this process's others (`_SerialisedTransaction`)."""
        return _SerialisedTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        if query.lstrip()[:6].upper() == "SELECT":
            return self._run_now(query, args)
        return await self.run_lone_write(query, args)

    async def run_lone_write(self, query: str, args: list[Any] | None) -> Any:
        """Run a write outside any transaction, after this process's other writers.

        A row change (INSERT, UPDATE, DELETE) is a transaction of its own and joins their
        group commit (`core.sqlite_writer`); anything else (a PRAGMA, DDL) may not run inside
        a transaction, so it ends the open group and runs alone, in a worker thread. Either
        way it returns once its change is on disk.
        """
        if query.lstrip()[:6].upper() in _ROW_CHANGES:
            async with self.transaction(TransactionType.immediate) as transaction:
                return transaction.connection.raw.execute(query, args or []).fetchall()
        writer = self.writer()
        await writer.acquire()
        try:
            await writer.flush()
            raw = self._lend()
            try:
                rows = await to_the_end_in_thread(lambda: raw.execute(query, args or []).fetchall())
            except BaseException:
                raw.close()
                raise
            self.give_back(raw)
            return rows
        finally:
            writer.release()

    def _run_now(self, query: str, args: list[Any] | None) -> Any:
        raw = self._lend()
        try:
            rows = raw.execute(query, args or []).fetchall()
        except BaseException:
            raw.close()
            raise
        self.give_back(raw)
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
        # transaction; every connection here got that pragma once, when it was opened.
        # RETURNING needs SQLite >= 3.35, checked once in make_engine.
        return connection.raw.execute(query, args or []).fetchall()

    async def close_pooled_connections(self) -> None:
        """Close the idle connections (at shut-down)."""
        while self._idle:
            self._idle.pop().close()


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
        # JIT compilation pays off for long analytical scans, not for a web app's short
        # statements: a search whose row estimate crossed `jit_above_cost` spent 870 ms
        # compiling to answer in 11 ms.
        return PostgresEngine(config={"dsn": database_url, "server_settings": {"jit": "off"}})
    raise ValueError(
        f"Unsupported database URL {database_url!r}: use sqlite:///path or postgresql://…"
    )


def is_postgres(engine: Engine) -> bool:
    """Whether `engine` talks to PostgreSQL."""
    return isinstance(engine, PostgresEngine)


#: The `piccolo_conf` module, found once: Piccolo's finder imports it anew on every call,
#: and every statement of a request asks for the engine.
_conf_module: Any = None


def current_engine() -> Engine:
    """The engine `piccolo_conf` names (tests swap it with `use_engine`)."""
    global _conf_module
    if _conf_module is None:
        _conf_module = Finder().get_piccolo_conf_module()
    engine = getattr(_conf_module, "DB", None) if _conf_module is not None else engine_finder()
    if engine is None:
        raise RuntimeError("No database engine: PICCOLO_CONF must name a module defining DB")
    return engine


def is_unique_violation(error: BaseException) -> bool:
    """Whether a write failed on a unique index or constraint (SQLite or PostgreSQL).

    Callers use it to tell a lost race (another request stored the same key first) from
    any other failure, which must propagate. SQLite reports every integrity failure with
    one exception class, so its message tells a unique one from a NOT NULL or foreign key.
    """
    if isinstance(error, asyncpg.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and (
        "UNIQUE constraint failed" in str(error) or "PRIMARY KEY" in str(error)
    )


def contains_text(column: Any, text: str) -> Any:
    """A `where` clause: `column` contains `text`, ignoring case, on either database.

    PostgreSQL needs ILIKE; SQLite's LIKE already ignores ASCII case (and Piccolo warns on
    every ILIKE it has to turn into LIKE there).
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    operator = _ILikeEscaped if is_postgres(current_engine()) else _LikeEscaped
    return Where(column=column, value=f"%{escaped}%", operator=operator)


class _LikeEscaped(ComparisonOperator):
    # `%` and `_` typed by a person are literal characters, not wildcards.
    template = "{name} LIKE {value} ESCAPE '\\'"


class _ILikeEscaped(ComparisonOperator):
    template = "{name} ILIKE {value} ESCAPE '\\'"


def all_tables() -> list[type[Table]]:
    """Every table of every Piccolo app registered in `piccolo_conf`."""
    return [
        table
        for config in Finder().get_app_registry().app_configs.values()
        for table in config.table_classes
    ]


def use_engine(engine: Engine) -> None:
    """Point Piccolo (tables and migrations) at `engine`.

    Tables capture their engine when first used; tests swap between SQLite and PostgreSQL
    in one process, so the engine is set on every table and on `piccolo_conf.DB`.
    """
    Finder().get_piccolo_conf_module().DB = engine  # type: ignore[union-attr]
    tables: list[type[Table]] = [*all_tables(), Migration]
    for table in tables:
        table._meta.db = engine


async def keep_session(connection: asyncpg.Connection) -> None:
    """Hand a pooled PostgreSQL connection back as it is (the pool's `reset`).

    asyncpg's default reset sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` each time a connection goes back to the pool: one more round trip for every
    query outside a transaction (8 of an order's 27). Kuaiqu leaves no session state on a
    pooled connection — no advisory locks, cursors, LISTEN or SET — and asyncpg still rolls
    back a transaction left open before this is called, so there is nothing to reset.
    """


async def prepare_engine(engine: Engine, *, pool_size: int = 10) -> bool:
    """Open what the engine needs to serve requests (a pool on PostgreSQL, WAL on SQLite).

    Returns whether a pool was opened here, so only its opener closes it.
    """
    if isinstance(engine, PostgresEngine):
        if engine.pool is not None:
            return False
        await engine.start_connection_pool(min_size=1, max_size=pool_size, reset=keep_session)
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
    engine = current_engine()
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


async def serialise_on(key: str) -> None:
    """Inside a write transaction: hold `key` until it ends, so a count-then-insert is atomic.

    A limit checked by counting rows ("at most 20 addresses") lets simultaneous requests
    all read the old count on PostgreSQL, whose transactions do not block each other's
    reads. A transaction-scoped advisory lock on the key queues them instead. SQLite needs
    nothing: its write transactions (`BEGIN IMMEDIATE`) already run one at a time.
    """
    engine = current_engine()
    if not is_postgres(engine):
        return
    assert engine.current_transaction.get() is not None, "serialise_on needs a transaction"
    await engine.run_querystring(
        QueryString("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", key)
    )


def pending_after_commit() -> list[Callable[[], Awaitable[None]]] | None:
    """The callbacks waiting for the open write transaction to commit (None: none is open).

    A caller may add to the last one it registered itself instead of registering another
    (`core.realtime` gathers a transaction's events into one send this way).
    """
    return _after_commit.get()


async def after_commit(callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback` once the current write transaction commits (now, outside one)."""
    pending = _after_commit.get()
    if pending is None:
        await callback()
    else:
        pending.append(callback)
