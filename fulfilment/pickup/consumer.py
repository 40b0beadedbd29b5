"""The consumer's side of a pickup: the code to show, and choosing the day to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from core.database import write_transaction
from core.errors import InvalidInput
from core.realtime import publish_after_commit
from fulfilment.errors import FulfilmentNotFound
from fulfilment.hours import STORE_TZ, ready_time
from fulfilment.moves import now_utc, record_event
from fulfilment.pickup.queue import (
    NotHandOverable,
    key_ring,
)
from fulfilment.pickup_codes import (
    token_for,
)
from fulfilment.tables import Fulfilment, Order
from locations.places import place


@dataclass(frozen=True, slots=True)
class PickupCode:
    """What the consumer shows at the counter: the QR token and the short code."""

    fulfilment_id: int
    token: str
    short_code: str
    pickup_deadline: datetime | None


async def consumer_pickup_code(order_id: int, fulfilment_id: int, customer_id: int) -> PickupCode:
    """The code of a consumer's own ready pickup (404 for anyone else's)."""
    row = (
        await Fulfilment.select()
        .where((Fulfilment.id == fulfilment_id) & (Fulfilment.order == order_id))
        .first()
    )
    order = await Order.select(Order.customer_id).where(Order.id == order_id).first()
    if row is None or order is None or order["customer_id"] != customer_id:
        raise FulfilmentNotFound("Pickup {id} was not found", id=fulfilment_id)
    if row["status"] != "ready_for_pickup" or not row["token_nonce"]:
        raise NotHandOverable("This pickup has no code: it is {status}", status=row["status"])
    token = token_for(row["id"], row["location"], row["token_nonce"], key_ring())
    return PickupCode(row["id"], token, row["short_code"] or "", row["pickup_deadline"])


async def pickup_token(order_id: int, fulfilment_id: int, customer_id: int) -> str:
    """The QR token of a consumer's own ready pickup (404 for anyone else's)."""
    return (await consumer_pickup_code(order_id, fulfilment_id, customer_id)).token


@dataclass(frozen=True, slots=True)
class PickupDays:
    """The days a consumer may choose to collect a pickup on, and the current choice."""

    fulfilment_id: int
    ready_by: datetime | None
    days: list[date]
    chosen: date | None


async def _own_open_pickup(
    order_id: int, fulfilment_id: int, customer_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    row = (
        await Fulfilment.select()
        .where(
            (Fulfilment.id == fulfilment_id)
            & (Fulfilment.order == order_id)
            & (Fulfilment.method == "pickup")
        )
        .first()
    )
    order = (
        await Order.select(Order.customer_id, Order.created_at).where(Order.id == order_id).first()
    )
    if row is None or order is None or order["customer_id"] != customer_id:
        raise FulfilmentNotFound("Pickup {id} was not found", id=fulfilment_id)
    store = await place(row["location"])
    assert store is not None
    return row, {**store, "created_at": order["created_at"]}


def _earliest(store: dict[str, Any]) -> datetime:
    return ready_time(store["created_at"], store["prep_minutes"], store["opening_hours"] or [])


def _choosable_days(store: dict[str, Any]) -> list[date]:
    first = _earliest(store).astimezone(STORE_TZ).date()
    today = now_utc().astimezone(STORE_TZ).date()
    days = [first + timedelta(days=n) for n in range(max(1, store["pickup_hold_days"]))]
    return [d for d in days if d >= today] or [max(first, today)]


async def pickup_days(order_id: int, fulfilment_id: int, customer_id: int) -> PickupDays:
    """The days within the store's hold window the consumer may collect on."""
    row, store = await _own_open_pickup(order_id, fulfilment_id, customer_id)
    chosen = row["ready_by"].astimezone(STORE_TZ).date() if row["ready_by"] else None
    days = _choosable_days(store) if row["status"] in ("allocated", "preparing") else []
    return PickupDays(row["id"], row["ready_by"], days, chosen)


async def choose_pickup_day(
    order_id: int, fulfilment_id: int, customer_id: int, day: date
) -> datetime:
    """Collect on another day within the hold window: the store prepares for that day.

    The new ready time is the day's opening plus the store's preparation time (or the
    earliest ready time when that day is the first); returns it.
    """
    async with write_transaction():
        row, store = await _own_open_pickup(order_id, fulfilment_id, customer_id)
        if row["status"] not in ("allocated", "preparing"):
            raise NotHandOverable(
                "The pickup day can be changed only before the order is ready; it is {status}",
                status=row["status"],
            )
        days = _choosable_days(store)
        if day not in days:
            raise InvalidInput(
                "Choose a day from {first} to {last}",
                first=days[0].isoformat(),
                last=days[-1].isoformat(),
            )
        earliest = _earliest(store)
        if day == days[0]:
            ready = earliest
        else:
            start = datetime.combine(day, time(0, 0), STORE_TZ)
            ready = ready_time(start, store["prep_minutes"], store["opening_hours"] or [])
        await Fulfilment.update(
            {Fulfilment.ready_by: ready, Fulfilment.updated_at: now_utc()}
        ).where(Fulfilment.id == fulfilment_id)
        await record_event(
            order_id,
            "pickup_day",
            fulfilment_id=fulfilment_id,
            actor_id=customer_id,
            old_state=row["status"],
            new_state=row["status"],
            note=day.isoformat(),
        )
        await publish_after_commit(
            f"location:{row['location']}",
            {"type": "pickup_day", "fulfilment_id": fulfilment_id, "day": day.isoformat()},
        )
    return ready
