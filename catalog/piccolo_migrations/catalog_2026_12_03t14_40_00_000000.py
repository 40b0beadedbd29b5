"""A covering index of the product columns keyword search reads for each match.

A search joins every match to its product for visibility (status, lowest price, supplier,
category), its sort keys (sales, price) and its brand; with them all in one narrow index
the join reads that index instead of each product's wide row (name, specs, images…).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.migrations import index_migration

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
    return index_migration(ID, "catalog", DESCRIPTION, INDEXES)
