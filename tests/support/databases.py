"""Test databases: a SQLite file and a PostgreSQL database the suite creates, both migrated."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from core.database import all_tables, keep_session, make_engine, use_engine

PG_ADMIN_URL = os.environ.get(
    "KUAIQU_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_TEST_DB = os.environ.get("KUAIQU_TEST_PG_DB", "kuaiqu_test")
REQUIRE_SERVICES = os.environ.get("KUAIQU_REQUIRE_SERVICES") == "1"


def pg_url(database: str = PG_TEST_DB) -> str:
    """The URL of a database on the test PostgreSQL server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


async def recreate_pg_database(name: str = PG_TEST_DB) -> str:
    """Drop and create the test database; returns its URL. Raises when PostgreSQL is down."""
    admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
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
    """Delete every row of every app table, so each test starts from nothing."""
    names = [table._meta.tablename for table in all_tables()]
    if isinstance(engine, PostgresEngine):
        await engine.run_ddl(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
        return
    async with engine.transaction():
        await engine.run_ddl("PRAGMA defer_foreign_keys = ON")
        for name in names:
            await engine.run_ddl(f"DELETE FROM {name}")
