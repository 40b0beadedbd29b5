"""A covering index of the product columns keyword search reads for each match.

A search joins every match to its product for visibility (status, lowest price, supplier,
category), its sort keys (sales, price) and its brand; with them all in one narrow index
the join reads that index instead of each product's wide row (name, specs, images…).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T14:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "product search_doc covering index"

INDEXES = {
    "product_search_doc": (
        "product (id, status, price_from, supplier, category, sales_count, brand)"
    ),
}


async def forwards() -> MigrationManager:
    """Add the covering index."""
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, target in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
