"""64-bit money, stock and plain-id columns (PostgreSQL; SQLite's INTEGER already is)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.migrations import widening_migration

ID = "2026-12-02T16:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "money, stock and id columns to BIGINT"

TABLES = {
    "Notification": ("notification", ("user_id",)),
}


async def forwards() -> MigrationManager:
    """Widen the columns (recorded for the snapshot; raw SQL on PostgreSQL only)."""
    return widening_migration(ID, "notifications", DESCRIPTION, TABLES)
