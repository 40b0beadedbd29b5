"""One favourite per person, kind and target: adding twice cannot make two rows."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T09:08:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique favourite (user_id, kind, target_id)"


async def forwards() -> MigrationManager:
    """Add the composite unique index."""
    manager = MigrationManager(migration_id=ID, app_name="members", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS favourite_user_kind_target "
            "ON favourite (user_id, kind, target_id)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS favourite_user_kind_target")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
