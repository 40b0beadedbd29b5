"""One statement line per (order line, revision): two statements cannot settle one sale,
nor claw back one refund, twice."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T14:34:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique index: one statement line per order line and revision"


async def forwards() -> MigrationManager:
    """Add the unique index (SQLite and PostgreSQL alike)."""
    manager = MigrationManager(migration_id=ID, app_name="settlement", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS statement_line_one_per_revision "
            "ON statement_line (order_line_id, revision)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS statement_line_one_per_revision")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
