"""Selling goods: reserved units become sold, and their products' sales counts go up.

Called when a pickup is handed over, a parcel ships, or the POS sells to a walk-in: the one
place where an order line counts as a sale (search sorts by sales).
"""

from __future__ import annotations

from collections import defaultdict

from catalog.products import record_sales
from locations.stock import StockLine, sell_reserved_stock


async def sell_lines(lines: list[StockLine], *, reference: str, actor_id: int | None) -> None:
    """Turn the lines' reserved units into sold ones and count them as product sales."""
    await sell_reserved_stock(lines, reference=reference, actor_id=actor_id)
    sold: dict[int, int] = defaultdict(int)
    for line in lines:
        sold[line.variant_id] += line.quantity
    await record_sales(dict(sold))
