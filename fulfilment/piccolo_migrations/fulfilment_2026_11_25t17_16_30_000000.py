"""Composite unique indexes: one order per (customer, idempotency key); one cart row per variant."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.migrations import index_migration

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
    return index_migration(ID, "fulfilment", DESCRIPTION, INDEXES, unique=True)
