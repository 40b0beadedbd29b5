"""64-bit money, stock and plain-id columns on PostgreSQL (SQLite's INTEGER already is)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.database import widen_to_bigint

ID = "2026-12-02T16:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "money, stock and id columns to BIGINT"

COLUMNS = {
    "notification": ('user_id',),
}


async def forwards() -> MigrationManager:
    """Widen the columns (a no-op on SQLite)."""
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

    async def widen() -> None:
        await widen_to_bigint(COLUMNS)

    async def narrow() -> None:
        await widen_to_bigint(COLUMNS, backwards=True)

    manager.add_raw(widen)
    manager.add_raw_backwards(narrow)
    return manager
