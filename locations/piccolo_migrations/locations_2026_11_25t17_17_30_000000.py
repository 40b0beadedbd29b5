"""Composite (lat, lon) index: the bounding-box prefilter of nearest search scans it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T17:17:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite location (lat, lon) index"


async def forwards() -> MigrationManager:
    """Add the composite index."""
    manager = MigrationManager(migration_id=ID, app_name="locations", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE INDEX IF NOT EXISTS location_lat_lon ON location (lat, lon)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS location_lat_lon")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
