"""Today at a glance for the consoles: orders today, parcels to ship, pickups waiting.

Small on purpose (full analytics live elsewhere): three counts for the day in the stores'
time zone and two queues, oldest first, with how long each entry has waited. A supplier sees
only its own share (its delivery fulfilments, pickups holding its goods); the operator sees
everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fulfilment.hours import STORE_TZ
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderLine
from payments.providers import pays_offline

#: Entries listed per queue.
QUEUE_SIZE = 10


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A fulfilment waiting for someone, and since when."""

    fulfilment_id: int
    order_id: int
    order_number: str
    location_id: int
    waiting_since: datetime
    waiting_minutes: int


@dataclass(frozen=True, slots=True)
class Today:
    """The day's figures and the two queues."""

    orders_today: int
    to_ship: int
    pickups_waiting: int
    ship_queue: list[QueueEntry]
    pickup_queue: list[QueueEntry]


def start_of_day(now: datetime) -> datetime:
    """Midnight of `now`'s day in the stores' time zone, in UTC."""
    local = now.astimezone(STORE_TZ)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _aware(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _queue(
    rows: list[dict[str, Any]], orders: dict[int, dict[str, Any]], now: datetime, since_key: str
) -> list[QueueEntry]:
    entries = []
    for r in rows:
        order = orders[r["order"]]
        since = _aware(
            order["paid_at"] or order["created_at"] if since_key == "paid" else r["updated_at"]
        )
        entries.append(
            QueueEntry(
                fulfilment_id=r["id"],
                order_id=order["id"],
                order_number=order["number"],
                location_id=r["location"],
                waiting_since=since,
                waiting_minutes=max(0, int((now - since).total_seconds() // 60)),
            )
        )
    entries.sort(key=lambda e: e.waiting_since)
    return entries


async def _holding(supplier_id: int, column: Any, ids: list[int]) -> list[int]:
    """Those of `ids` (orders or fulfilments, by `column`) with a line of the supplier's."""
    if not ids:
        return []
    rows = await OrderLine.select(column).where(
        (OrderLine.supplier_id == supplier_id) & column.is_in(ids)
    )
    return sorted({r[column._meta.name] for r in rows})


async def today_figures(supplier_id: int | None = None, *, now: datetime | None = None) -> Today:
    """The day at a glance: everything (operator), or one supplier's share."""
    now = now or datetime.now(UTC)
    midnight = start_of_day(now)
    today_ids = [
        r["id"]
        for r in await Order.select(Order.id).where(
            (Order.created_at >= midnight) & (Order.status != OrderStatus.CANCELLED)
        )
    ]
    ship_where = (Fulfilment.method == FulfilmentMethod.DELIVERY) & (
        Fulfilment.status == FulfilmentStatus.ALLOCATED
    )
    if supplier_id is not None:
        ship_where = ship_where & (Fulfilment.supplier_id == supplier_id)
    ship_rows = await Fulfilment.select().where(ship_where)
    pickup_rows = await Fulfilment.select().where(
        (Fulfilment.method == FulfilmentMethod.PICKUP)
        & (Fulfilment.status == FulfilmentStatus.READY_FOR_PICKUP)
    )
    if supplier_id is not None:
        # Only today's orders and waiting pickups are looked at: a handful of rows, never
        # the supplier's whole history.
        today_ids = await _holding(supplier_id, OrderLine.order, today_ids)
        holding = set(
            await _holding(supplier_id, OrderLine.fulfilment, [r["id"] for r in pickup_rows])
        )
        pickup_rows = [r for r in pickup_rows if r["id"] in holding]
    orders_today = len(today_ids)
    order_ids = sorted({r["order"] for r in ship_rows + pickup_rows})
    orders = {
        o["id"]: o
        for o in await Order.select(
            Order.id,
            Order.number,
            Order.status,
            Order.payment_method,
            Order.created_at,
            Order.paid_at,
        ).where(Order.id.is_in(order_ids or [-1]))
    }
    # A parcel is to ship once paid, or at once when the money is collected on delivery.
    ship_rows = [
        r
        for r in ship_rows
        if orders[r["order"]]["status"] == OrderStatus.PAID
        or (
            orders[r["order"]]["status"] == OrderStatus.PENDING_PAYMENT
            and pays_offline(orders[r["order"]]["payment_method"])
        )
    ]
    ship_queue = await _queue(ship_rows, orders, now, "paid")
    pickup_queue = await _queue(pickup_rows, orders, now, "ready")
    return Today(
        orders_today=orders_today,
        to_ship=len(ship_queue),
        pickups_waiting=len(pickup_queue),
        ship_queue=ship_queue[:QUEUE_SIZE],
        pickup_queue=pickup_queue[:QUEUE_SIZE],
    )
