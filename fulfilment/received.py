"""Reads after-sales needs from the order side: when goods were received, orders to search.

After-sales (a layer above) never reads fulfilment's tables; it asks here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.database import contains_text
from fulfilment.tables import Fulfilment, Order


async def finished_at(fulfilment_id: int) -> datetime | None:
    """When a part of an order reached its last state (collected or delivered)."""
    row = (
        await Fulfilment.select(Fulfilment.updated_at).where(Fulfilment.id == fulfilment_id).first()
    )
    return row["updated_at"] if row else None


async def search_orders(
    *,
    number: str = "",
    customer_ids: list[int] | None = None,
    supplier_id: int | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Orders by number (any part), by customer ids or by a supplier's part, newest first."""
    where: Any = None
    if number:
        where = contains_text(Order.number, number.strip())
    if customer_ids is not None:
        clause = Order.customer_id.is_in(customer_ids or [-1])
        where = clause if where is None else where & clause
    if supplier_id is not None:
        parts = await Fulfilment.select(Fulfilment.order).where(
            Fulfilment.supplier_id == supplier_id
        )
        clause = Order.id.is_in([p["order"] for p in parts] or [-1])
        where = clause if where is None else where & clause
    query = (
        Order.select(
            Order.id, Order.number, Order.status, Order.total, Order.customer_id, Order.created_at
        )
        .order_by(Order.id, ascending=False)
        .limit(limit)
    )
    if where is not None:
        query = query.where(where)
    return list(await query)
