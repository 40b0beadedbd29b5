"""Read-only stock for other domains and pages: what is available where, what a store holds.

Nothing here changes stock (`locations.stock` does); other domains never read the stock
tables themselves, they ask here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine

from core.database import contains_text
from core.shared_reads import SharedReads
from core.statements import fetch
from locations.tables import StockLevel

#: Units available summed over stock rows (a row never counts below zero); add a WHERE.
AVAILABLE_SQL = (
    "SELECT SUM(CASE WHEN on_hand > reserved THEN on_hand - reserved ELSE 0 END) "
    "AS available FROM stock_level"
)


async def available_quantities(
    variant_ids: Iterable[int], location_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], int]:
    """(location id, variant id) → on_hand − reserved, for the rows that exist."""
    # One prepared statement: every order asks this of its store, and building the
    # equivalent Piccolo select cost more than running it.
    variants = list(variant_ids) or [-1]
    sql = "SELECT location, variant, on_hand, reserved FROM stock_level WHERE variant IN ({})"
    args: list[int] = list(variants)
    sql = sql.format(", ".join("{}" for _ in variants))
    if location_ids is not None:
        locations = list(location_ids) or [-1]
        sql += " AND location IN ({})".format(", ".join("{}" for _ in locations))
        args += locations
    rows = await fetch(sql, *args)
    return {(r["location"], r["variant"]): r["on_hand"] - r["reserved"] for r in rows}


async def total_available(variant_ids: Iterable[int]) -> dict[int, int]:
    """Variant id → units available across every location (0 when stocked nowhere)."""
    ids = sorted(set(variant_ids))
    totals: dict[int, int] = dict.fromkeys(ids, 0)
    if not ids:
        return totals
    # Summed in the database: a variant stocked at fifty stores is one row back, not fifty.
    placeholders = ", ".join("{}" for _ in ids)
    rows = await fetch(
        f"SELECT variant, {AVAILABLE_SQL.removeprefix('SELECT ')} "
        f"WHERE variant IN ({placeholders}) GROUP BY variant",
        *ids,
    )
    for r in rows:
        totals[r["variant"]] = int(r["available"] or 0)
    return totals


#: The page reads of `shown_available` in flight.
_page_reads = SharedReads()


async def shown_available(variant_ids: Iterable[int]) -> dict[int, int]:
    """`total_available` for a page to show, shared by the requests asking at the same moment.

    A busy product page asks the same sums many times at once; on PostgreSQL each ask held a
    pooled connection for a turn of the event loop, so 50 viewers queued for 10 connections
    (p99 over 200 ms). A request arriving while the same read is in flight takes that read's
    answer (`core.shared_reads`): taken at most one statement's time before it asked, and the
    page's stock stays live through its fragment and websocket. Never use it inside a write
    transaction: checkout and stock changes call `total_available`.
    """
    ids = tuple(sorted(set(variant_ids)))
    # A copy: the shared answer must not be changed by one of its readers.
    return dict(await _page_reads.read(ids, lambda: total_available(ids)))


async def level_of(
    location_id: int, variant_id: int, *, lock: bool = False
) -> dict[str, Any] | None:
    """A stock row's on_hand and reserved; `lock` (inside a write transaction) holds it.

    A count sets on_hand from what was read, so the row must not change in between:
    PostgreSQL locks it (`SELECT … FOR UPDATE`); SQLite's write transaction
    (`BEGIN IMMEDIATE`) already keeps every other writer out.
    """
    query = StockLevel.select(StockLevel.on_hand, StockLevel.reserved).where(
        (StockLevel.location == location_id) & (StockLevel.variant == variant_id)
    )
    if lock and not isinstance(StockLevel._meta.db, SQLiteEngine):
        query = query.lock_rows()
    return await query.first()


async def count_delta(location_id: int, variant_id: int, counted: int) -> int:
    """The change that brings on_hand to a counted figure (row locked until commit)."""
    current = await level_of(location_id, variant_id, lock=True)
    return counted - (current["on_hand"] if current else 0)


async def store_stock(location_id: int, text: str = "", *, limit: int = 50) -> list[dict[str, Any]]:
    """Variants a location holds, matching a name, SKU or exact barcode (all when empty).

    Rows: variant_id, sku, barcode, price, name (the product's), on_hand, reserved; by SKU.
    """
    select = StockLevel.select(
        StockLevel.variant.as_alias("variant_id"),
        StockLevel.variant.sku.as_alias("sku"),
        StockLevel.variant.barcode.as_alias("barcode"),
        StockLevel.variant.price.as_alias("price"),
        StockLevel.variant._.product._.name.as_alias("name"),
        StockLevel.on_hand,
        StockLevel.reserved,
    ).where(StockLevel.location == location_id)
    text = text.strip()
    if text:
        select = select.where(
            (StockLevel.variant.barcode == text)
            | contains_text(StockLevel.variant.sku, text)
            | contains_text(StockLevel.variant._.product._.name, text)
        )
    return await select.order_by(StockLevel.variant.sku).limit(limit)


def held_nowhere(totals: Mapping[int, int]) -> frozenset[int]:
    """The variants of `totals` (from `total_available`) no location has a unit of: sold out."""
    return frozenset(variant for variant, units in totals.items() if units <= 0)
