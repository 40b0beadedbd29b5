"""What a sale costs search: `record_sales` per product, then the batched sales refresh.

Runs on the database `bench/search_bench.py` built (run that first, once): sells one unit of
`--products` different products, each in its own transaction as the selling code does,
times it, then times `catalog.search_sales.refresh_search_sales`, which copies the new sales
into the products' term rows (through the trigger), and checks afterwards that every term
row's copies equal its product's columns.

    .venv/bin/python bench/search_sales_bench.py [--postgres] [--products 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import SQLITE_FILE, database_url, open_engine  # sets the bench's env first

from catalog.products import record_sales
from catalog.search_index import copies_out_of_step
from catalog.search_sales import refresh_search_sales
from catalog.tables import Variant
from core.database import release_engine


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--products", type=int, default=200)
    args = parser.parse_args()
    with contextlib.redirect_stdout(io.StringIO()):  # the migrations' report
        engine = await open_engine(database_url(args.postgres, SQLITE_FILE))
    variants = [
        r["id"]
        for r in await Variant.raw(
            "SELECT MIN(id) AS id FROM variant GROUP BY product ORDER BY product LIMIT {}",
            args.products,
        )
    ]
    if len(variants) < args.products:
        sys.exit("run bench/search_bench.py first: it builds the database")
    await refresh_search_sales()  # nothing due from an earlier run
    started = time.perf_counter()
    for variant in variants:
        await record_sales({variant: 1})
    sale_ms = (time.perf_counter() - started) * 1000 / len(variants)
    started = time.perf_counter()
    refreshed = await refresh_search_sales()
    refresh_ms = (time.perf_counter() - started) * 1000
    print(f"database   {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(f"sale       record_sales of one unit: {sale_ms:.2f} ms per product")
    print(
        f"refresh    {refreshed} products in {refresh_ms:.0f} ms "
        f"({refresh_ms / max(refreshed, 1):.2f} ms per product)"
    )
    out_of_step = await copies_out_of_step()
    print(f"check      term rows whose copies differ from their product: {out_of_step}")
    await release_engine(engine)
    if refreshed != len(variants) or out_of_step:
        sys.exit("FAILED: the refresh did not bring every sold product's term rows up to date")


if __name__ == "__main__":
    asyncio.run(main())
