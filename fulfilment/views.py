"""Read models of orders: what the consumer, the supplier and the store see of one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fulfilment.state_machine import FULFILMENT_FINAL
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderEvent, OrderLine
from fulfilment.timeline import TimelineEntry, order_timeline, pay_deadline
from locations.places import places_by_ids
from payments.providers import pays_online
from payments.service import PaymentView, payments_for_order

#: Fulfilment states in which the consumer may still cancel (before ready or shipped).
CANCELLABLE_FULFILMENT = frozenset({FulfilmentStatus.ALLOCATED, FulfilmentStatus.PREPARING})


@dataclass(frozen=True, slots=True)
class LineView:
    """A bought variant."""

    id: int
    variant_id: int
    product_name: str
    sku: str
    supplier_id: int
    quantity: int
    unit_price: int
    discount: int
    line_total: int
    fulfilment_id: int


@dataclass(frozen=True, slots=True)
class FulfilmentView:
    """One location's share of the order."""

    id: int
    order_id: int
    method: str
    location_id: int
    location_name: str
    location_address: str
    opening_hours: list[str]
    supplier_id: int | None
    status: str
    carrier: str
    tracking_number: str
    ready_by: datetime | None
    pickup_deadline: datetime | None
    lines: list[LineView]
    order_number: str = ""
    #: Recipient and address of a delivery (what the shipping supplier needs).
    ship_to: dict[str, Any] = field(default_factory=dict)
    #: The store's phone (pickup instructions).
    location_phone: str = ""


@dataclass(frozen=True, slots=True)
class EventView:
    """One line of the status timeline."""

    kind: str
    old_state: str
    new_state: str
    note: str
    fulfilment_id: int | None
    created_at: datetime


@dataclass(slots=True)
class OrderView:
    """An order with its fulfilments, lines, timeline and latest payment."""

    id: int
    number: str
    channel: str
    customer_id: int | None
    status: str
    subtotal: int
    shipping: int
    discount: int
    total: int
    currency: str
    payment_method: str
    delivery_address: dict[str, Any]
    created_at: datetime
    paid_at: datetime | None
    auto_confirm_at: datetime | None
    fulfilments: list[FulfilmentView]
    events: list[EventView] = field(default_factory=list)
    payment: PaymentView | None = None
    #: Who collects a pickup order (提货人): {name, phone}, or {}.
    pickup_contact: dict[str, Any] = field(default_factory=dict)
    #: Fen the member's points paid (also the number of points spent: 100 points = ¥1).
    points_paid: int = 0

    @property
    def can_cancel(self) -> bool:
        """Whether the consumer may still cancel: nothing ready or shipped yet."""
        return self.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID) and all(
            f.status in CANCELLABLE_FULFILMENT or f.status == FulfilmentStatus.CANCELLED
            for f in self.fulfilments
        )

    @property
    def can_confirm_receipt(self) -> bool:
        """Whether every parcel has arrived, so the consumer can confirm receipt."""
        return (
            self.status == OrderStatus.PAID
            and any(f.status == FulfilmentStatus.DELIVERED for f in self.fulfilments)
            and all(f.status in FULFILMENT_FINAL for f in self.fulfilments)
        )

    @property
    def timeline(self) -> list[TimelineEntry]:
        """The history without repeats or internal references (see `order_timeline`)."""
        return order_timeline(self.events)

    @property
    def pay_by(self) -> datetime | None:
        """When this order, unpaid online, is cancelled automatically; None otherwise."""
        if self.status != OrderStatus.PENDING_PAYMENT or not pays_online(self.payment_method):
            return None
        return pay_deadline(self.created_at)

    @property
    def payment_failed(self) -> bool:
        """Whether the latest online payment attempt failed and the order still waits."""
        return (
            self.status == OrderStatus.PENDING_PAYMENT
            and self.payment is not None
            and self.payment.status == "failed"
        )

    @property
    def can_pay(self) -> bool:
        """Whether the consumer can (re)start an online payment."""
        return self.status == OrderStatus.PENDING_PAYMENT and pays_online(self.payment_method)


async def _fulfilment_views(
    fulfilment_rows: list[dict[str, Any]],
    line_rows: list[dict[str, Any]],
    order_rows: list[dict[str, Any]] | None = None,
    location_rows: list[dict[str, Any]] | None = None,
) -> list[FulfilmentView]:
    """Fulfilment views with lines and place.

    `order_rows` and `location_rows` (id, name, address, opening_hours), when the caller
    has them, spare reading them again.
    """
    if location_rows is None:
        location_rows = list((await places_by_ids(f["location"] for f in fulfilment_rows)).values())
    locations = {r["id"]: r for r in location_rows}
    order_ids = sorted({f["order"] for f in fulfilment_rows})
    if order_rows is None:
        order_rows = (
            await Order.select(Order.id, Order.number, Order.delivery_address)
            .where(Order.id.is_in(order_ids or [-1]))
            .output(load_json=True)
        )
    orders = {r["id"]: r for r in order_rows}
    lines_of: dict[int, list[LineView]] = {}
    for r in line_rows:
        lines_of.setdefault(r["fulfilment"], []).append(
            LineView(
                id=r["id"],
                variant_id=r["variant"],
                product_name=r["product_name"],
                sku=r["sku"],
                supplier_id=r["supplier_id"],
                quantity=r["quantity"],
                unit_price=r["unit_price"],
                discount=r["discount"],
                line_total=r["unit_price"] * r["quantity"] - r["discount"],
                fulfilment_id=r["fulfilment"],
            )
        )
    views = []
    for f in fulfilment_rows:
        loc = locations.get(f["location"], {})
        views.append(
            FulfilmentView(
                id=f["id"],
                order_id=f["order"],
                method=f["method"],
                location_id=f["location"],
                location_name=loc.get("name", ""),
                location_address=loc.get("address", ""),
                location_phone=loc.get("phone") or "",
                opening_hours=loc.get("opening_hours") or [],
                supplier_id=f["supplier_id"],
                status=f["status"],
                carrier=f["carrier"],
                tracking_number=f["tracking_number"],
                ready_by=f["ready_by"],
                pickup_deadline=f["pickup_deadline"],
                lines=lines_of.get(f["id"], []),
                order_number=orders.get(f["order"], {}).get("number", ""),
                ship_to=(orders.get(f["order"], {}).get("delivery_address") or {})
                if f["method"] == FulfilmentMethod.DELIVERY
                else {},
            )
        )
    return views


def _order_view(row: dict[str, Any], fulfilments: list[FulfilmentView]) -> OrderView:
    return OrderView(
        id=row["id"],
        number=row["number"],
        channel=row["channel"],
        customer_id=row["customer_id"],
        status=row["status"],
        subtotal=row["subtotal"],
        shipping=row["shipping"],
        discount=row["discount"],
        total=row["total"],
        currency=row["currency"],
        payment_method=row["payment_method"],
        delivery_address=row["delivery_address"] or {},
        created_at=row["created_at"],
        paid_at=row["paid_at"],
        auto_confirm_at=row["auto_confirm_at"],
        fulfilments=fulfilments,
        pickup_contact=row.get("pickup_contact") or {},
        points_paid=row.get("points_paid") or 0,
    )


async def order_view_of_rows(
    order_row: dict[str, Any],
    fulfilment_rows: list[dict[str, Any]],
    line_rows: list[dict[str, Any]],
    location_rows: list[dict[str, Any]],
) -> OrderView:
    """The view of an order from rows in hand (the order just written), without reading."""
    fulfilments = await _fulfilment_views(fulfilment_rows, line_rows, [order_row], location_rows)
    return _order_view(order_row, fulfilments)


async def load_order(
    order_id: int, *, with_events: bool = True, with_payment: bool = True
) -> OrderView | None:
    """An order with everything its page shows (timeline and payment optional), or None."""
    row = await Order.select().where(Order.id == order_id).output(load_json=True).first()
    if row is None:
        return None
    fulfilments = (
        await Fulfilment.select().where(Fulfilment.order == order_id).order_by(Fulfilment.id)
    )
    lines = await OrderLine.select().where(OrderLine.order == order_id).order_by(OrderLine.id)
    view = _order_view(row, await _fulfilment_views(fulfilments, lines, [row]))
    if with_events:
        events = (
            await OrderEvent.select().where(OrderEvent.order == order_id).order_by(OrderEvent.id)
        )
        view.events = [
            EventView(
                kind=e["kind"],
                old_state=e["old_state"],
                new_state=e["new_state"],
                note=e["note"],
                fulfilment_id=e["fulfilment"],
                created_at=e["created_at"],
            )
            for e in events
        ]
    if with_payment:
        payments = await payments_for_order(order_id)
        view.payment = payments[-1] if payments else None
    return view


async def orders_of_customer(customer_id: int, *, limit: int = 50) -> list[OrderView]:
    """A consumer's orders, newest first, with fulfilments (no timeline)."""
    rows = (
        await Order.select()
        .where(Order.customer_id == customer_id)
        .order_by(Order.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    fulfilments = (
        await Fulfilment.select().where(Fulfilment.order.is_in(ids)).order_by(Fulfilment.id)
    )
    lines = await OrderLine.select().where(OrderLine.order.is_in(ids)).order_by(OrderLine.id)
    views = await _fulfilment_views(fulfilments, lines, rows)
    by_order: dict[int, list[FulfilmentView]] = {}
    for v in views:
        by_order.setdefault(v.order_id, []).append(v)
    return [_order_view(r, by_order.get(r["id"], [])) for r in rows]


async def fulfilment_views(where: Any, *, limit: int = 100) -> list[FulfilmentView]:
    """Fulfilments matching a Piccolo `where` clause, newest first, with their lines."""
    rows = (
        await Fulfilment.select().where(where).order_by(Fulfilment.id, ascending=False).limit(limit)
    )
    if not rows:
        return []
    lines = (
        await OrderLine.select()
        .where(OrderLine.fulfilment.is_in([r["id"] for r in rows]))
        .order_by(OrderLine.id)
    )
    return await _fulfilment_views(rows, lines)
