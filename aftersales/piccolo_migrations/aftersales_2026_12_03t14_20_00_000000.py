"""At most one open after-sales request per order line, enforced by the database."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T14:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "partial unique index: one open after-sales request per line"

# The open states as they were when this migration was written (aftersales.statuses).
_OPEN = "'requested', 'approved', 'offered', 'rejected', 'escalated', 'disputed'"


async def forwards() -> MigrationManager:
    """Add the partial unique index (SQLite and PostgreSQL both have partial indexes)."""
    manager = MigrationManager(migration_id=ID, app_name="aftersales", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS after_sale_request_one_open_per_line "
            f"ON after_sale_request (line_id) WHERE status IN ({_OPEN})"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS after_sale_request_one_open_per_line")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
