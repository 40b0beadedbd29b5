"""At most one pending payment per order and provider: start_payment relies on it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T17:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique pending payment per (order_id, provider)"


async def forwards() -> MigrationManager:
    """Add the partial unique index (SQLite and PostgreSQL both support WHERE)."""
    manager = MigrationManager(migration_id=ID, app_name="payments", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS payment_one_pending_per_order_provider "
            "ON payment (order_id, provider) WHERE status = 'pending'"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS payment_one_pending_per_order_provider")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
