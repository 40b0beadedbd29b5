"""Covering indexes of the search tables (raw SQL, after the tables exist).

Piccolo runs a migration's raw steps before its table changes, so these live in their own
migration after the one that creates `search_term` and `search_facet`.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

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
