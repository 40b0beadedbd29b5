"""Migrations: which ones a database still lacks, and steps Piccolo cannot write portably.

Widening integer columns to 64 bits: PostgreSQL needs `ALTER COLUMN … TYPE BIGINT`, SQLite
has no ALTER COLUMN at all (and its INTEGER is 64-bit already). A widening migration records
each change as an `alter_column`, so Piccolo's snapshot (and the drift check) knows the
columns are `BigInt`, but carries it out with raw SQL on PostgreSQL only.

Making a column nullable: PostgreSQL drops the constraint; SQLite cannot alter a column,
but its documentation allows removing a NOT NULL constraint by editing the table's stored
`CREATE TABLE` text (`writable_schema`), which changes no data on disk. A relaxing
migration records the change for Piccolo's snapshot and carries it out so on each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.columns import BigInt, Integer
from piccolo.engine.base import Engine

from core.database import current_engine, is_postgres


async def widen_to_bigint(
    columns: Mapping[str, tuple[str, ...]], *, backwards: bool = False
) -> None:
    """Make `{table name: columns}` 64-bit on PostgreSQL (`backwards`: 32-bit again)."""
    engine = current_engine()
    if not is_postgres(engine):
        return
    kind = "INTEGER" if backwards else "BIGINT"
    for table, names in columns.items():
        changes = ", ".join(f'ALTER COLUMN "{name}" TYPE {kind}' for name in names)
        await engine.run_ddl(f'ALTER TABLE "{table}" {changes}')


class _WideningManager(MigrationManager):
    # The recorded alter_columns only describe the change for the snapshot; the raw step
    # below makes it, where the database needs it.
    async def _run_alter_columns(self, backwards: bool = False) -> None:
        return None


def widening_migration(
    migration_id: str,
    app_name: str,
    description: str,
    tables: Mapping[str, tuple[str, tuple[str, ...]]],
) -> MigrationManager:
    """A migration widening `{table class: (table name, columns)}` from Integer to BigInt."""
    manager = _WideningManager(
        migration_id=migration_id, app_name=app_name, description=description
    )
    for class_name, (tablename, names) in tables.items():
        for name in names:
            manager.alter_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                params={},
                old_params={},
                column_class=BigInt,
                old_column_class=Integer,
            )
    by_table = dict(tables.values())

    async def widen() -> None:
        await widen_to_bigint(by_table)

    async def narrow() -> None:
        await widen_to_bigint(by_table, backwards=True)

    manager.add_raw(widen)
    manager.add_raw_backwards(narrow)
    return manager


def _without_not_null(create_sql: str, column: str) -> str:
    """`create_sql` with the NOT NULL (and a non-null DEFAULT) of `column` removed."""
    pattern = re.compile(rf'("{re.escape(column)}"\s[^,]*?)(?=,\s*"|,\s*[A-Z]|\)\s*$)')
    match = pattern.search(create_sql)
    if match is None:
        raise ValueError(f"Column {column} not found in {create_sql!r}")
    definition = re.sub(r"\s+NOT NULL", "", match.group(1))
    definition = re.sub(r"\s+DEFAULT\s+(?:'[^']*'|[-\w.]+)", " DEFAULT null", definition)
    return create_sql[: match.start()] + definition + create_sql[match.end() :]


async def drop_not_null(columns: Mapping[str, tuple[str, ...]], *, backwards: bool = False) -> None:
    """Make `{table name: columns}` nullable (`backwards`: NOT NULL again, PostgreSQL only).

    On SQLite the stored `CREATE TABLE` text is edited in the migration's transaction and
    the schema version bumped, so every connection reloads it; rows stay as they are.
    """
    engine = current_engine()
    if is_postgres(engine):
        action = "SET NOT NULL" if backwards else "DROP NOT NULL"
        for table, names in columns.items():
            changes = ", ".join(f'ALTER COLUMN "{name}" {action}' for name in names)
            await engine.run_ddl(f'ALTER TABLE "{table}" {changes}')
        return
    if backwards:
        return  # rows may hold nulls by now; SQLite keeps the relaxed column
    for table, names in columns.items():
        rows = await engine.run_ddl(
            f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
        )
        create_sql = rows[0]["sql"]
        for name in names:
            create_sql = _without_not_null(create_sql, name)
        version = (await engine.run_ddl("PRAGMA schema_version"))[0]["schema_version"]
        quoted = create_sql.replace("'", "''")
        await engine.run_ddl("PRAGMA writable_schema = ON")
        await engine.run_ddl(
            f"UPDATE sqlite_master SET sql = '{quoted}' WHERE type = 'table' AND name = '{table}'"
        )
        await engine.run_ddl(f"PRAGMA schema_version = {version + 1}")
        await engine.run_ddl("PRAGMA writable_schema = OFF")


class _RelaxingManager(MigrationManager):
    # The recorded alter_columns (null: True) describe the change for the snapshot; the raw
    # step (`drop_not_null`) makes it on each database.
    async def _run_alter_columns(self, backwards: bool = False) -> None:
        return None


def relaxing_migration(
    migration_id: str,
    app_name: str,
    description: str,
    tables: Mapping[str, tuple[str, Mapping[str, type]]],
) -> MigrationManager:
    """A migration making `{table class: (table name, {column: column class})}` nullable.

    The caller may add further steps (new columns) to the manager it returns.
    """
    manager = _RelaxingManager(
        migration_id=migration_id, app_name=app_name, description=description
    )
    for class_name, (tablename, names) in tables.items():
        for name, column_class in names.items():
            manager.alter_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                params={"default": None, "null": True},
                old_params={"default": 0, "null": False},
                column_class=column_class,
                old_column_class=column_class,
            )
    by_table = {tablename: tuple(names) for tablename, names in tables.values()}

    async def relax() -> None:
        await drop_not_null(by_table)

    async def tighten() -> None:
        await drop_not_null(by_table, backwards=True)

    manager.add_raw(relax)
    manager.add_raw_backwards(tighten)
    return manager


def index_migration(
    migration_id: str,
    app_name: str,
    description: str,
    indexes: Mapping[str, str],
    *,
    unique: bool = False,
) -> MigrationManager:
    """A migration creating `{index name: "table (columns)"}` (raw SQL, both engines).

    Composite and covering indexes Piccolo's columns cannot declare; Piccolo runs a
    migration's raw steps before its table changes, so the tables must exist already.
    Backwards, the indexes are dropped.
    """
    manager = MigrationManager(
        migration_id=migration_id, app_name=app_name, description=description
    )
    kind = "UNIQUE INDEX" if unique else "INDEX"

    async def create_indexes() -> None:
        engine = current_engine()
        for name, target in indexes.items():
            await engine.run_ddl(f"CREATE {kind} IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        engine = current_engine()
        for name in indexes:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager


@lru_cache(maxsize=1)
def known_migrations() -> tuple[tuple[str, str], ...]:
    """Every (app, migration id) the code ships, in each app's order."""
    manager = BaseMigrationManager()
    found: list[tuple[str, str]] = []
    for module in manager.get_app_modules():
        config = module.APP_CONFIG
        modules = manager.get_migration_modules(config.resolved_migrations_folder_path)
        found += [(config.app_name, migration_id) for migration_id in sorted(modules)]
    return tuple(found)


#: Engines known to be fully migrated (by id, held so the id stays theirs): checked once,
#: as a running app cannot lose its migrations.
_migrated: dict[int, Engine] = {}


async def unapplied_migrations(engine: Engine | None = None) -> list[str]:
    """`app:id` of every shipped migration the database has not run.

    All of them when the database was never migrated.
    """
    engine = engine or current_engine()
    if id(engine) in _migrated:
        return []
    try:
        rows = await Migration.select(Migration.app_name, Migration.name).run()
    except Exception:  # no migration table yet: a database that was never migrated
        rows = []
    ran = {(row["app_name"], row["name"]) for row in rows}
    pending = [f"{app}:{name}" for app, name in known_migrations() if (app, name) not in ran]
    if not pending:
        _migrated[id(engine)] = engine
    return pending
