"""One stock row per location and variant: the conditional reserve relies on it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T16:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique stock_level (location, variant)"


async def forwards() -> MigrationManager:
    """Add the composite unique index."""
    manager = MigrationManager(migration_id=ID, app_name="locations", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS stock_level_location_variant "
            "ON stock_level (location, variant)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS stock_level_location_variant")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
