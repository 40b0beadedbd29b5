"""One conversation per consumer and party."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T09:08:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique conversation (consumer_id, party_kind, party_id)"


async def forwards() -> MigrationManager:
    """Add the composite unique index."""
    manager = MigrationManager(migration_id=ID, app_name="consultation", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS conversation_consumer_party "
            "ON conversation (consumer_id, party_kind, party_id)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS conversation_consumer_party")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
