"""Read-only facts about orders for analytics: what was placed, paid, picked up, in a period.

Analytics (the layer above) never reads the order tables; it asks here. Every function takes
a half-open period [start, end) of `Order.created_at` (timezone-aware) and returns plain
rows, so figures are summed in one place (`analytics.rollups`) the same way on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderEvent, OrderLine

#: A paid delivery is to be shipped within this time (the supplier dashboard's deadline).
SHIP_WITHIN = timedelta(hours=48)


def ship_deadline(paid_at: datetime) -> datetime:
    """When a delivery paid at `paid_at` must have shipped."""
    return paid_at + SHIP_WITHIN


def _placed_in(column: Any, start: datetime, end: datetime) -> Any:
    return (column >= start) & (column < end)


async def orders_placed(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Orders placed in the period: id, channel, status, total, paid_at, store_location_id."""
    return await Order.select(
        Order.id,
        Order.channel,
        Order.status,
        Order.total,
        Order.paid_at,
        Order.store_location_id,
    ).where(_placed_in(Order.created_at, start, end))


async def lines_placed(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Lines of the orders placed in the period, with product, category, location, method."""
    return await OrderLine.select(
        OrderLine.order.as_alias("order_id"),
        OrderLine.supplier_id,
        OrderLine.quantity,
        OrderLine.unit_price,
        OrderLine.discount,
        OrderLine.variant._.product.as_alias("product_id"),
        OrderLine.variant._.product._.category.as_alias("category_id"),
        OrderLine.fulfilment._.location.as_alias("location_id"),
        OrderLine.fulfilment._.method.as_alias("method"),
    ).where(_placed_in(OrderLine.order._.created_at, start, end))


async def fulfilments_placed(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Fulfilments of the orders placed in the period: id, order id, method, status."""
    return await Fulfilment.select(
        Fulfilment.id,
        Fulfilment.order.as_alias("order_id"),
        Fulfilment.method,
        Fulfilment.status,
    ).where(_placed_in(Fulfilment.order._.created_at, start, end))


async def pickup_moves(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """When pickups of orders placed in the period became ready or were collected.

    Rows: fulfilment_id, new_state (ready_for_pickup | collected), created_at.
    """
    return await OrderEvent.select(
        OrderEvent.fulfilment.as_alias("fulfilment_id"),
        OrderEvent.new_state,
        OrderEvent.created_at,
    ).where(
        _placed_in(OrderEvent.order._.created_at, start, end)
        & OrderEvent.new_state.is_in(
            [FulfilmentStatus.READY_FOR_PICKUP, FulfilmentStatus.COLLECTED]
        )
        & OrderEvent.fulfilment.is_not_null()
    )


async def bought_with(product_id: int, *, orders: int = 200, limit: int = 8) -> list[int]:
    """Products most often in the same paid orders as `product_id` (its latest `orders`)."""
    with_it = (
        await OrderLine.select(OrderLine.order.as_alias("order_id"))
        .where(
            (OrderLine.variant._.product == product_id) & OrderLine.order._.paid_at.is_not_null()
        )
        .order_by(OrderLine.order, ascending=False)
        .limit(orders)
    )
    order_ids = sorted({row["order_id"] for row in with_it})
    if not order_ids:
        return []
    rows = await OrderLine.select(
        OrderLine.order.as_alias("order_id"),
        OrderLine.variant._.product.as_alias("product_id"),
    ).where(OrderLine.order.is_in(order_ids))
    seen: set[tuple[int, int]] = set()
    counts: dict[int, int] = {}
    for row in rows:
        key = (row["order_id"], row["product_id"])
        if row["product_id"] == product_id or key in seen:
            continue
        seen.add(key)
        counts[row["product_id"]] = counts.get(row["product_id"], 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [pid for pid, _ in ranked[:limit]]


async def products_bought_by(customer_id: int, *, limit: int = 50) -> list[int]:
    """Products the customer bought in paid orders, latest first."""
    rows = (
        await OrderLine.select(OrderLine.variant._.product.as_alias("product_id"))
        .where(
            (OrderLine.order._.customer_id == customer_id) & OrderLine.order._.paid_at.is_not_null()
        )
        .order_by(OrderLine.id, ascending=False)
        .limit(limit * 4)
    )
    found: list[int] = []
    for row in rows:
        if row["product_id"] not in found:
            found.append(row["product_id"])
    return found[:limit]


async def supplier_orders_to_ship(supplier_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
    """The supplier's paid delivery fulfilments not shipped yet, oldest paid first.

    Rows: fulfilment_id, order_number, status, paid_at, location_id, deadline.
    """
    rows = (
        await Fulfilment.select(
            Fulfilment.id.as_alias("fulfilment_id"),
            Fulfilment.order._.number.as_alias("order_number"),
            Fulfilment.status,
            Fulfilment.order._.paid_at.as_alias("paid_at"),
            Fulfilment.location.as_alias("location_id"),
        )
        .where(
            (Fulfilment.supplier_id == supplier_id)
            & (Fulfilment.method == FulfilmentMethod.DELIVERY)
            & Fulfilment.status.is_in([FulfilmentStatus.ALLOCATED, FulfilmentStatus.PREPARING])
            & (Fulfilment.order._.status == OrderStatus.PAID)
        )
        .order_by(Fulfilment.order._.paid_at)
        .limit(limit)
    )
    for row in rows:
        row["deadline"] = ship_deadline(row["paid_at"]) if row["paid_at"] else None
    return rows


async def supplier_units_sold(supplier_id: int, since: datetime) -> list[dict[str, Any]]:
    """Units of the supplier's variants sold from each location since `since` (paid orders).

    Rows: location_id, variant_id, units.
    """
    rows = await OrderLine.select(
        OrderLine.fulfilment._.location.as_alias("location_id"),
        OrderLine.variant.as_alias("variant_id"),
        OrderLine.quantity,
    ).where(
        (OrderLine.supplier_id == supplier_id)
        & (OrderLine.order._.created_at >= since)
        & OrderLine.order._.paid_at.is_not_null()
    )
    units: dict[tuple[int, int], int] = {}
    for row in rows:
        key = (row["location_id"], row["variant_id"])
        units[key] = units.get(key, 0) + row["quantity"]
    return [
        {"location_id": loc, "variant_id": var, "units": n}
        for (loc, var), n in sorted(units.items())
    ]


async def store_day(location_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """A store's day: its pickups due in the period, walk-in sales, pickups about to expire.

    `pickups`: pickup fulfilments at the store promised by `end` or ready now, and not
    yet collected, expired or cancelled, plus those collected in the period; `walk_in`:
    POS orders placed there in the period (count, amount); `expiring`: ready pickups
    whose deadline falls before `end` + one day.
    """
    open_states = [
        FulfilmentStatus.ALLOCATED,
        FulfilmentStatus.PREPARING,
        FulfilmentStatus.READY_FOR_PICKUP,
    ]
    pickups = (
        await Fulfilment.select(
            Fulfilment.id,
            Fulfilment.order._.number.as_alias("order_number"),
            Fulfilment.status,
            Fulfilment.ready_by,
            Fulfilment.pickup_deadline,
        )
        .where(
            (Fulfilment.location == location_id)
            & (Fulfilment.method == FulfilmentMethod.PICKUP)
            & (Fulfilment.order._.status == OrderStatus.PAID)
            & Fulfilment.status.is_in(open_states)
            # Ready at the counter counts whatever time it was promised for: an order
            # placed after closing is promised for tomorrow, yet may be made ready now.
            & (
                (Fulfilment.ready_by < end)
                | (Fulfilment.status == FulfilmentStatus.READY_FOR_PICKUP)
            )
        )
        .order_by(Fulfilment.ready_by)
        .limit(200)
    )
    expiring = [
        row
        for row in pickups
        if row["status"] == FulfilmentStatus.READY_FOR_PICKUP
        and row["pickup_deadline"] is not None
        and row["pickup_deadline"] < end + timedelta(days=1)
    ]
    walk_in = await Order.select(Order.total).where(
        (Order.channel == "pos")
        & (Order.store_location_id == location_id)
        & Order.paid_at.is_not_null()
        & _placed_in(Order.created_at, start, end)
    )
    collected = await Fulfilment.count().where(
        (Fulfilment.location == location_id)
        & (Fulfilment.status == FulfilmentStatus.COLLECTED)
        & _placed_in(Fulfilment.updated_at, start, end)
    )
    return {
        "pickups": pickups,
        "expiring": expiring,
        "collected": collected,
        "walk_in_orders": len(walk_in),
        "walk_in_amount": sum(row["total"] for row in walk_in),
    }
