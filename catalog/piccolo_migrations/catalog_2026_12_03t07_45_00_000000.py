"""Covering indexes of the search tables (raw SQL, after the tables exist).

Piccolo runs a migration's raw steps before its table changes, so these live in their own
migration after the one that creates `search_term` and `search_facet`.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.migrations import index_migration

ID = "2026-12-03T07:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search_term, search_facet and product (sales_count) indexes"

INDEXES = {
    "search_term_lookup": "search_term (term, product, weight)",
    "search_facet_lookup": "search_facet (product, name, value)",
    "product_sales_count": "product (sales_count)",
}


async def forwards() -> MigrationManager:
    """Add the composite indexes."""
    return index_migration(ID, "catalog", DESCRIPTION, INDEXES)
