"""Test databases: a SQLite file and a PostgreSQL database the suite creates, both migrated.

Under pytest-xdist every worker is a process of its own with databases of its own: the
PostgreSQL database name gets the worker id as a suffix (`kuaiqu_test_gw0`, `kuaiqu_test_gw1`)
and worker N uses Redis database `base - N` (15, 14, … by default), so workers never see each
other's rows, keys or files.
"""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from core.database import all_tables, keep_session, make_engine, use_engine

#: `gw0`, `gw1`, … inside a pytest-xdist worker; empty in a plain `pytest` run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_ADMIN_URL = os.environ.get(
    "KUAIQU_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_TEST_DB = os.environ.get("KUAIQU_TEST_PG_DB", "kuaiqu_test") + (f"_{WORKER}" if WORKER else "")
REQUIRE_SERVICES = os.environ.get("KUAIQU_REQUIRE_SERVICES") == "1"


def worker_number() -> int:
    """0 for `gw0` and for a run without workers, 1 for `gw1`, …"""
    return int(WORKER.removeprefix("gw")) if WORKER else 0


def redis_test_url() -> str:
    """This worker's Redis database: `KUAIQU_TEST_REDIS_URL`'s number minus the worker number."""
    base = os.environ.get("KUAIQU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    server, _, number = base.rstrip("/").rpartition("/")
    if not number.isdigit():
        server, number = base.rstrip("/"), "15"
    own = int(number) - worker_number()
    if own < 0:
        raise RuntimeError(f"{base} leaves no Redis database for worker {WORKER}: use fewer")
    return f"{server}/{own}"


def pg_url(database: str = PG_TEST_DB) -> str:
    """The URL of a database on the test PostgreSQL server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


async def recreate_pg_database(name: str = PG_TEST_DB) -> str:
    """Drop and create the test database; returns its URL. Raises when PostgreSQL is down.

    Commits of the test database do not wait for the disk (`synchronous_commit = off`):
    a test never survives a crash of the server, and the wait was most of a small write.
    """
    admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await admin.close()
    return pg_url(name)


async def migrate(engine: Engine) -> None:
    """Run every migration forwards on `engine` (as `kuaiqu migrate` does)."""
    use_engine(engine)
    result = await run_forwards("all")
    assert result.success, result.message


async def sqlite_engine(path: Path) -> Engine:
    """A fresh, migrated SQLite database at `path`."""
    path.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    await engine.run_ddl("PRAGMA journal_mode=WAL")
    await migrate(engine)
    return engine


async def postgres_engine() -> Engine:
    """A fresh, migrated PostgreSQL database with a small pool."""
    engine = make_engine(await recreate_pg_database())
    await migrate(engine)
    assert isinstance(engine, PostgresEngine)
    await engine.start_connection_pool(min_size=1, max_size=20, reset=keep_session)
    return engine


async def empty_all_tables(engine: Engine) -> None:
    """Delete every row of every app table, so each test starts from nothing.

    On PostgreSQL only the tables a test touched are truncated: TRUNCATE of a hundred tables
    costs a second, finding the few with rows (or a used id sequence) a millisecond.
    """
    names = [table._meta.tablename for table in all_tables()]
    if isinstance(engine, PostgresEngine):
        touched = await _touched_pg_tables(engine, names)
        if touched:
            await engine.run_ddl(f"TRUNCATE {', '.join(touched)} RESTART IDENTITY CASCADE")
        return
    async with engine.transaction():
        await engine.run_ddl("PRAGMA defer_foreign_keys = ON")
        for name in names:
            await engine.run_ddl(f"DELETE FROM {name}")


#: Per PostgreSQL database (by URL): the query naming the tables with rows or a used id sequence.
_TOUCHED_QUERIES: dict[str, str] = {}


async def _touched_pg_tables(engine: PostgresEngine, names: list[str]) -> list[str]:
    """The tables of `names` holding rows, or whose id sequence moved since the last reset.

    Sequences count inserts that were rolled back too (nextval is not transactional), so a
    table a test only tried to write still gets its ids restarted at 1.
    """
    query = _TOUCHED_QUERIES.get(engine.config["dsn"])
    if query is None:
        owned = await engine.run_ddl(
            "SELECT t.relname AS tbl, s.relname AS seq FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.relkind = 'S' AND t.relnamespace = 'public'::regnamespace"
        )
        sequences: dict[str, list[str]] = {name: [] for name in names}
        for row in owned:
            sequences.setdefault(row["tbl"], []).append(row["seq"])
        parts = []
        for name in names:
            used = "".join(f' OR (SELECT is_called FROM "{seq}")' for seq in sequences[name])
            parts.append(f"SELECT '{name}' AS name WHERE EXISTS (SELECT 1 FROM \"{name}\"){used}")
        query = " UNION ALL ".join(parts)
        _TOUCHED_QUERIES[engine.config["dsn"]] = query
    return [row["name"] for row in await engine.run_ddl(query)]
