"""The supplier's side of delivery: its own fulfilments only, shipped and delivered."""

from __future__ import annotations

from typing import Any

from core.database import write_transaction
from fulfilment.errors import FulfilmentNotFound, InvalidOrder, OrderNotFound, OrderNotPayable
from fulfilment.moves import move_fulfilment, now_utc
from fulfilment.orders import after_fulfilment_settled
from fulfilment.selling import sell_lines
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderLine
from fulfilment.views import FulfilmentView, fulfilment_views
from locations.stock import StockLine
from notifications.service import notify_user
from payments.providers import pays_offline


async def supplier_fulfilments(
    supplier_id: int, *, status: str | None = None
) -> list[FulfilmentView]:
    """A supplier's delivery fulfilments, newest first (never another supplier's lines)."""
    where = (Fulfilment.supplier_id == supplier_id) & (
        Fulfilment.method == FulfilmentMethod.DELIVERY
    )
    if status:
        where = where & (Fulfilment.status == status)
    return await fulfilment_views(where)


async def _own(supplier_id: int, fulfilment_id: int) -> dict[str, Any]:
    row = (
        await Fulfilment.select()
        .where(
            (Fulfilment.id == fulfilment_id)
            & (Fulfilment.supplier_id == supplier_id)
            & (Fulfilment.method == FulfilmentMethod.DELIVERY)
        )
        .first()
    )
    if row is None:
        raise FulfilmentNotFound("Shipment {id} was not found", id=fulfilment_id)
    return row


async def ship_fulfilment(
    supplier_id: int,
    fulfilment_id: int,
    *,
    carrier: str,
    tracking_number: str,
    actor_id: int | None,
) -> FulfilmentView:
    """Hand a parcel to a carrier: reserved units become sold, the consumer sees tracking."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise InvalidOrder("Enter the carrier and the tracking number")
    if len(carrier) > 50 or len(tracking_number) > 64:
        raise InvalidOrder("The carrier or tracking number is too long")
    async with write_transaction():
        fulfilment = await _own(supplier_id, fulfilment_id)
        order = await Order.select().where(Order.id == fulfilment["order"]).first()
        if order is None:
            raise OrderNotFound("Order {id} was not found", id=fulfilment["order"])
        payable_later = (
            pays_offline(order["payment_method"]) and order["status"] == OrderStatus.PENDING_PAYMENT
        )
        if order["status"] != OrderStatus.PAID and not payable_later:
            raise OrderNotPayable(
                "Order {number} is {status}: ship only paid orders",
                number=order["number"],
                status=order["status"],
            )
        await move_fulfilment(
            fulfilment,
            FulfilmentStatus.SHIPPED,
            kind="shipped",
            actor_id=actor_id,
            note=f"{carrier} {tracking_number}",
            values={Fulfilment.carrier: carrier, Fulfilment.tracking_number: tracking_number},
        )
        lines = await OrderLine.select().where(OrderLine.fulfilment == fulfilment_id)
        await sell_lines(
            [StockLine(fulfilment["location"], ln["variant"], ln["quantity"]) for ln in lines],
            reference=order["number"],
            actor_id=actor_id,
        )
        await notify_user(
            order["customer_id"],
            "shipped",
            title=f"订单 {order['number']} 已发货 / Shipped",
            body=f"{carrier} {tracking_number}",
            link=f"/orders/{order['id']}",
        )
    return (await fulfilment_views(Fulfilment.id == fulfilment_id))[0]


async def mark_delivered(
    supplier_id: int, fulfilment_id: int, *, actor_id: int | None
) -> FulfilmentView:
    """The carrier delivered the parcel; when all have arrived the auto-confirm clock starts."""
    async with write_transaction():
        fulfilment = await _own(supplier_id, fulfilment_id)
        order = await Order.select().where(Order.id == fulfilment["order"]).first()
        if (
            order is not None
            and pays_offline(order["payment_method"])
            and order["status"] == OrderStatus.PENDING_PAYMENT
        ):
            raise OrderNotPayable(
                "Order {number} is cash on delivery: record the cash collected or the refusal",
                number=order["number"],
            )
        await move_fulfilment(
            fulfilment,
            FulfilmentStatus.DELIVERED,
            kind="delivered",
            actor_id=actor_id,
            values={Fulfilment.updated_at: now_utc()},
        )
        await after_fulfilment_settled(fulfilment["order"])
    return (await fulfilment_views(Fulfilment.id == fulfilment_id))[0]
