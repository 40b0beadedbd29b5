"""Composite unique indexes: one order per (customer, idempotency key); one cart row per variant."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T17:16:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (customer_id, idempotency_key), cart (user_id|session_key, variant)"

INDEXES = {
    "orders_customer_idempotency_key": "orders (customer_id, idempotency_key)",
    "cart_item_user_variant": "cart_item (user_id, variant)",
    "cart_item_session_variant": "cart_item (session_key, variant)",
}


async def forwards() -> MigrationManager:
    """Add the composite unique indexes."""
    manager = MigrationManager(migration_id=ID, app_name="fulfilment", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, target in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
