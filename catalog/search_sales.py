"""Keyword search's view of sales: `product.search_sales`, brought up to `sales_count` in batches.

A sale adds to `product.sales_count` in the selling transaction. Keyword search sorts by a
copy held in each of the product's term rows (`catalog.search_index.COPIED`), which a
trigger rewrites when `product.search_sales` changes: thirty-odd rows with their index
entries, 4.4 against 0.8 ms for the sale alone on PostgreSQL. So sales reach search here,
every `SALES_REFRESH_S` seconds, once per product however often it sold meanwhile; with
several worker processes one of them runs each period's refresh
(`core.periodic.run_periodically`). The migration that added `search_sales` filled it, so
there is nothing to catch up at start-up.
"""

from __future__ import annotations

from catalog.tables import Product
from core.database import write_transaction
from core.periodic import periodic_lifespan

#: Seconds between two refreshes: how far keyword search's sales ranking may lag the sales.
SALES_REFRESH_S = 10.0
#: Products brought up to date per transaction.
BATCH = 200


async def refresh_search_sales(batch: int = BATCH) -> int:
    """Copy `sales_count` to `search_sales` where they differ; returns how many products.

    The products due are found through a partial index (`product_search_sales_due`), so an
    idle catalogue costs one index probe.
    """
    done = 0
    while True:
        # Looked for outside a transaction: an idle refresh takes no write lock.
        rows = await Product.raw(
            "SELECT id FROM product WHERE search_sales <> sales_count ORDER BY id LIMIT {}",
            batch,
        )
        if not rows:
            return done
        ids = [row["id"] for row in rows]
        async with write_transaction():
            await Product.raw(
                "UPDATE product SET search_sales = sales_count "
                f"WHERE id IN ({', '.join(['{}'] * len(ids))})",
                *ids,
            )
        done += len(ids)


#: Runs `refresh_search_sales` every `SALES_REFRESH_S` seconds while the app serves.
sales_refresh_lifespan = periodic_lifespan("search-sales", SALES_REFRESH_S, refresh_search_sales)
