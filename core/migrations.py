"""Migration steps Piccolo's auto-migrations cannot write portably.

Widening integer columns to 64 bits: PostgreSQL needs `ALTER COLUMN … TYPE BIGINT`, SQLite
has no ALTER COLUMN at all (and its INTEGER is 64-bit already). A widening migration records
each change as an `alter_column`, so Piccolo's snapshot (and the drift check) knows the
columns are `BigInt`, but carries it out with raw SQL on PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Mapping

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import BigInt, Integer

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
