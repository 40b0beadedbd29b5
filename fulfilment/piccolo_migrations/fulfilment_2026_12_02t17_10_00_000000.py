"""Pickup orders record who collects them: {name, phone} (提货人)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T17:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "orders.pickup_contact"


async def forwards() -> MigrationManager:
    """Add `orders.pickup_contact` (empty for existing orders)."""
    manager = MigrationManager(migration_id=ID, app_name="fulfilment", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Order",
        tablename="orders",
        column_name="pickup_contact",
        db_column_name="pickup_contact",
        column_class_name="JSON",
        column_class=JSON,
        params={
            "default": "{}",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
