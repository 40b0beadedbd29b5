"""One buyer row per (promotion, consumer): the per-consumer limit's conditional UPDATE."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T07:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique promotion_buyer (promotion, consumer_id)"


async def forwards() -> MigrationManager:
    """Add the composite unique index."""
    manager = MigrationManager(migration_id=ID, app_name="promotions", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS promotion_buyer_promotion_consumer "
            "ON promotion_buyer (promotion, consumer_id)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS promotion_buyer_promotion_consumer")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
