"""The store's pickup queue as the counter sees it: tickets, who, what, money and timing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from accounts.people import contacts_by_ids
from core.errors import Conflict
from core.settings import get_settings
from fulfilment.contacts import last_four
from fulfilment.errors import FulfilmentNotFound
from fulfilment.moves import now_utc
from fulfilment.pickup_codes import KeyRing
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderEvent, OrderLine
from payments.providers import pays_offline
from payments.statuses import OFFLINE_METHODS

#: Pickup states the store still works on (shown in the queue).
OPEN_STATES = (
    FulfilmentStatus.ALLOCATED,
    FulfilmentStatus.PREPARING,
    FulfilmentStatus.READY_FOR_PICKUP,
)
#: A ready order whose deadline is this close is flagged "expiring soon".
EXPIRING_SOON = timedelta(days=1)
#: Ways to take money for a pay-in-store order at the counter.
COUNTER_METHODS = OFFLINE_METHODS


class AlreadyCollected(Conflict):
    """The pickup was handed over already (a code works once)."""

    code = "already_collected"


class NotHandOverable(Conflict):
    """The pickup cannot be handed over in its present state."""

    code = "not_hand_overable"


def key_ring() -> KeyRing:
    """The pickup-code signing keys of this installation."""
    settings = get_settings()
    return KeyRing.from_config(settings.pickup_keys, settings.secret_key)


def mask_phone(phone: str) -> str:
    """13800138000 → 138****8000 (short numbers keep only their last two digits)."""
    digits = phone.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-2:]}" if digits else ""


@dataclass(frozen=True, slots=True)
class PickupLine:
    """A line to hand over."""

    id: int
    variant_id: int
    name: str
    sku: str
    quantity: int
    unit_price: int


@dataclass(slots=True)
class PickupTicket:
    """A pickup as the counter sees it: who, what, money and timing."""

    fulfilment_id: int
    order_id: int
    order_number: str
    location_id: int
    status: str
    customer_id: int | None
    customer_name: str
    phone: str
    payment_method: str
    #: paid | to_pay_in_store | unpaid
    payment_status: str
    #: What the customer still pays at the counter, in fen.
    amount_due: int
    currency: str
    lines: list[PickupLine]
    ready_by: datetime | None
    pickup_deadline: datetime | None
    short_code: str | None
    created_at: datetime
    overdue: bool = False
    expiring_soon: bool = False
    #: Who collects (提货人) and the last four digits of their phone: all the counter sees,
    #: to check against what the person at the counter says.
    collector_name: str = ""
    collector_phone_last4: str = ""


def _collector(order: dict[str, Any]) -> dict[str, Any]:
    contact = order.get("pickup_contact") or {}
    return json.loads(contact) if isinstance(contact, str) else contact


@dataclass(slots=True)
class ScanResult:
    """What a scanned or typed code says: who and what, or why not."""

    can_hand_over: bool
    reason: str | None
    message: str
    ticket: PickupTicket | None = None
    collected_at: datetime | None = None
    collected_by: str = ""
    params: dict[str, Any] = field(default_factory=dict)


async def _names(user_ids: Sequence[int | None]) -> dict[int, dict[str, Any]]:
    return await contacts_by_ids(user_ids)


class CounterPayment(StrEnum):
    """Where a pickup's money is, as the counter sees it."""

    PAID = "paid"
    TO_PAY_IN_STORE = "to_pay_in_store"
    UNPAID = "unpaid"


def _payment_status(order: dict[str, Any]) -> str:
    if order["status"] in (OrderStatus.PAID, OrderStatus.COMPLETED):
        return CounterPayment.PAID
    if pays_offline(order["payment_method"]) and order["status"] == OrderStatus.PENDING_PAYMENT:
        return CounterPayment.TO_PAY_IN_STORE
    return CounterPayment.UNPAID


async def _tickets(rows: list[dict[str, Any]], now: datetime) -> list[PickupTicket]:
    if not rows:
        return []
    order_ids = sorted({r["order"] for r in rows})
    orders = {o["id"]: o for o in await Order.select().where(Order.id.is_in(order_ids))}
    lines = (
        await OrderLine.select()
        .where(OrderLine.fulfilment.is_in([r["id"] for r in rows]))
        .order_by(OrderLine.id)
    )
    people = await _names([o["customer_id"] for o in orders.values()])
    tickets = []
    for f in rows:
        order = orders[f["order"]]
        mine = [
            PickupLine(
                id=line["id"],
                variant_id=line["variant"],
                name=line["product_name"],
                sku=line["sku"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
            )
            for line in lines
            if line["fulfilment"] == f["id"]
        ]
        person = people.get(order["customer_id"] or -1, {})
        status = _payment_status(order)
        deadline = f["pickup_deadline"]
        tickets.append(
            PickupTicket(
                fulfilment_id=f["id"],
                order_id=order["id"],
                order_number=order["number"],
                location_id=f["location"],
                status=f["status"],
                customer_id=order["customer_id"],
                customer_name=person.get("name", ""),
                phone=mask_phone(person.get("phone", "")),
                payment_method=order["payment_method"],
                payment_status=status,
                amount_due=order["total"] if status == "to_pay_in_store" else 0,
                currency=order["currency"],
                lines=mine,
                ready_by=f["ready_by"],
                pickup_deadline=deadline,
                short_code=f["short_code"],
                created_at=f["created_at"],
                collector_name=_collector(order).get("name", ""),
                collector_phone_last4=last_four(_collector(order).get("phone", "")),
                overdue=(
                    f["status"] in (FulfilmentStatus.ALLOCATED, FulfilmentStatus.PREPARING)
                    and f["ready_by"] is not None
                    and f["ready_by"] < now
                )
                or (
                    f["status"] == FulfilmentStatus.READY_FOR_PICKUP
                    and deadline is not None
                    and deadline < now
                ),
                expiring_soon=f["status"] == FulfilmentStatus.READY_FOR_PICKUP
                and deadline is not None
                and now <= deadline < now + EXPIRING_SOON,
            )
        )
    return tickets


def _workable(order: dict[str, Any]) -> bool:
    """Whether the store may work on an order: paid, or to be paid at the counter."""
    return _payment_status(order) in (CounterPayment.PAID, CounterPayment.TO_PAY_IN_STORE)


async def pickup_queue(location_id: int, *, now: datetime | None = None) -> list[PickupTicket]:
    """A store's open pickups (new, preparing, ready), oldest first; unpaid online ones wait."""
    now = now or now_utc()
    rows = (
        await Fulfilment.select()
        .where(
            (Fulfilment.location == location_id)
            & (Fulfilment.method == FulfilmentMethod.PICKUP)
            & Fulfilment.status.is_in(list(OPEN_STATES))
        )
        .order_by(Fulfilment.id)
    )
    tickets = await _tickets(rows, now)
    return [t for t in tickets if t.payment_status != CounterPayment.UNPAID]


async def _fulfilment(location_id: int, fulfilment_id: int) -> dict[str, Any]:
    row = (
        await Fulfilment.select()
        .where(
            (Fulfilment.id == fulfilment_id)
            & (Fulfilment.location == location_id)
            & (Fulfilment.method == FulfilmentMethod.PICKUP)
        )
        .first()
    )
    if row is None:
        raise FulfilmentNotFound("Pickup {id} is not one of this store's orders", id=fulfilment_id)
    return row


async def _order(order_id: int) -> dict[str, Any]:
    order = await Order.select().where(Order.id == order_id).first()
    assert order is not None
    return order


async def ticket(location_id: int, fulfilment_id: int) -> PickupTicket:
    """One of a store's pickups as the counter sees it."""
    row = await _fulfilment(location_id, fulfilment_id)
    return (await _tickets([row], now_utc()))[0]


async def _collected_by(fulfilment_id: int) -> tuple[datetime | None, str]:
    event = (
        await OrderEvent.select(OrderEvent.created_at, OrderEvent.actor_id)
        .where((OrderEvent.fulfilment == fulfilment_id) & (OrderEvent.kind == "collected"))
        .first()
    )
    if event is None:
        return None, ""
    person = (await _names([event["actor_id"]])).get(event["actor_id"] or -1, {})
    return event["created_at"], person.get("name", "")
