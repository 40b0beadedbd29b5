"""Low-stock thresholds default to 5: a SKU with 1 left counts as low (it did not at 0).

SQLite cannot change a column's default (no ALTER COLUMN); rows are only ever inserted
through Piccolo, which sends the Python default, so the change is recorded for the snapshot
and made with raw SQL on PostgreSQL only. Levels still at the old default 0 move to 5.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt

from core.database import current_engine, is_postgres

ID = "2026-12-03T07:37:49:333563"
VERSION = "1.38.0"
DESCRIPTION = "low_stock_threshold defaults to 5; rows still at the old default 0 move to 5"


class _RecordedAlter(MigrationManager):
    # The alter_column below describes the change for the snapshot; the raw step makes it.
    async def _run_alter_columns(self, backwards: bool = False) -> None:
        return None


async def _set_default(value: int, old: int) -> None:
    engine = current_engine()
    if is_postgres(engine):
        await engine.run_ddl(
            f'ALTER TABLE "stock_level" ALTER COLUMN "low_stock_threshold" SET DEFAULT {value}'
        )
    await engine.run_ddl(
        f"UPDATE stock_level SET low_stock_threshold = {value} WHERE low_stock_threshold = {old}"
    )


async def forwards() -> MigrationManager:
    """Record the new default and raise the thresholds left at 0."""
    manager = _RecordedAlter(migration_id=ID, app_name="locations", description=DESCRIPTION)
    manager.alter_column(
        table_class_name="StockLevel",
        tablename="stock_level",
        column_name="low_stock_threshold",
        db_column_name="low_stock_threshold",
        params={"default": 5},
        old_params={"default": 0},
        column_class=BigInt,
        old_column_class=BigInt,
        schema=None,
    )

    async def up() -> None:
        await _set_default(5, 0)

    async def down() -> None:
        await _set_default(0, 5)

    manager.add_raw(up)
    manager.add_raw_backwards(down)
    return manager
