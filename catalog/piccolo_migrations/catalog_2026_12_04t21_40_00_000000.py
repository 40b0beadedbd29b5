"""search_term's copies of product columns: filled, kept by a trigger, covered on PostgreSQL.

A keyword search on PostgreSQL looked every match up in the product table to know whether
it is listed, its price, sales and brand: for a word of 9,300 products that lookup was 18 of
the statement's 32 ms (`bench/search_bench.py --postgres`, its slowest queries). The term
rows now carry those columns (previous migration): this one copies them from the products,
adds a trigger that copies them again whenever the product's own change (a listing
decision, an edit, the sales refresh), and on PostgreSQL makes the term index cover them, so
a search reads only the index. SQLite keeps its narrow index: it reads the product row by
id in a microsecond or two and its statements do not read the copies.

A sale changes `product.sales_count` only; the copies follow `product.search_sales`, which
`catalog.search_index.refresh_search_sales` brings up to date every few seconds: fired at
each sale, the trigger made a PostgreSQL sale of one product 0.8 → 4.4 ms (thirty-odd term
rows rewritten with their index entries).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.database import current_engine, is_postgres

ID = "2026-12-04T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search_term copies of product columns: fill, trigger, covering index"

#: Term row column: (the product column it copies, the value a NULL becomes).
COPIED = {
    "status": ("status", "''"),
    "price_from": ("price_from", "0"),
    "sales_count": ("search_sales", "0"),
    "brand": ("brand", "''"),
    "category": ("category", "0"),
    "supplier": ("supplier", "0"),
}
#: The product columns whose change fires the trigger: all copied but the lowest price,
#: which only the index build writes (`catalog.search_index.index_products`), writing the
#: term rows with it. Fired there, the trigger would update rows the build has just deleted.
WATCHED = [column for column, _ in COPIED.values() if column != "price_from"]


def _sets(row: str) -> str:
    """`column = value` of every copy, read from `row`."""
    return ", ".join(f"{t} = COALESCE({row}.{p}, {d})" for t, (p, d) in COPIED.items())


def _changed(distinct: str) -> str:
    """The trigger's WHEN condition: some watched column changed."""
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in WATCHED)


FILL_SALES = "UPDATE product SET search_sales = sales_count"
FILL = f"UPDATE search_term SET {_sets('p')} FROM product p WHERE p.id = search_term.product"
FOLLOW = f"UPDATE search_term SET {_sets('NEW')} WHERE product = NEW.id"
NARROW_INDEX = "CREATE INDEX search_term_lookup ON search_term (term, product, weight)"
COVERING_INDEX = f"{NARROW_INDEX} INCLUDE ({', '.join(COPIED)})"
#: The products whose sales search has not seen yet (few: those sold since the last refresh).
SALES_DUE_INDEX = (
    "CREATE INDEX IF NOT EXISTS product_search_sales_due ON product (id) "
    "WHERE search_sales <> sales_count"
)
TRIGGER = (
    f"CREATE TRIGGER product_search_term_follow AFTER UPDATE OF {', '.join(WATCHED)} "
    "ON product FOR EACH ROW WHEN "
)

POSTGRES_UP = [
    FILL_SALES,
    # The covering index is built after the fill: one write of each row, not two.
    "DROP INDEX IF EXISTS search_term_lookup",
    FILL,
    COVERING_INDEX,
    SALES_DUE_INDEX,
    # Planned for each call: a plan cached while search_term was small (a new database)
    # scanned the whole table for every product afterwards.
    "CREATE OR REPLACE FUNCTION search_term_follow_product() RETURNS trigger "
    "LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan "
    f"AS $$ BEGIN {FOLLOW}; RETURN NULL; END $$",
    f"{TRIGGER}({_changed('IS DISTINCT FROM')}) EXECUTE FUNCTION search_term_follow_product()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS product_search_term_follow ON product",
    "DROP FUNCTION IF EXISTS search_term_follow_product()",
    "DROP INDEX IF EXISTS product_search_sales_due",
    "DROP INDEX IF EXISTS search_term_lookup",
    NARROW_INDEX,
]
SQLITE_UP = [
    FILL_SALES,
    FILL,
    SALES_DUE_INDEX,
    f"{TRIGGER}{_changed('IS NOT')} BEGIN {FOLLOW}; END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS product_search_term_follow",
    "DROP INDEX IF EXISTS product_search_sales_due",
]


async def _run(postgres: list[str], sqlite: list[str]) -> None:
    engine = current_engine()
    for statement in postgres if is_postgres(engine) else sqlite:
        await engine.run_ddl(statement)


async def forwards() -> MigrationManager:
    """Fill the copies, add the trigger, the sales index and (PostgreSQL) the covering index."""
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def up() -> None:
        await _run(POSTGRES_UP, SQLITE_UP)

    async def down() -> None:
        await _run(POSTGRES_DOWN, SQLITE_DOWN)

    manager.add_raw(up)
    manager.add_raw_backwards(down)
    return manager
