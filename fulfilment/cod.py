"""Cash on delivery that completes: the courier's cash, or the consumer's refusal, per parcel.

A cash-on-delivery order ships unpaid. At the door the supplier (or its courier) records
either the cash collected for the parcel (the parcel is delivered) or the refusal (the
parcel's units come back into stock through the ledger). Once every parcel of the order is
settled, the order's payment is confirmed for the cash collected and the order is paid, so
it moves on like any other: confirm receipt, reviews, the auto-confirm sweep. When every
parcel was refused, nothing was collected: the payment fails and the order is cancelled.

A parcel's cash due is what was paid for its lines (`fulfilment.money.line_paid`); the
order's shipping fee, less its order-level discount, is collected with its first parcel.
"""

from __future__ import annotations

from typing import Any

from core.database import write_transaction
from fulfilment.errors import InvalidOrder, OrderNotFound, OrderNotPayable
from fulfilment.money import lines_paid
from fulfilment.moves import move_fulfilment, move_order, now_utc
from fulfilment.order_lifecycle import after_fulfilment_settled, mark_order_paid
from fulfilment.shipments import _own
from fulfilment.state_machine import FULFILMENT_FINAL
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderLine
from fulfilment.views import FulfilmentView, fulfilment_views
from locations.stock import receive_stock
from notifications.service import notify_user
from payments.providers import pays_offline
from payments.service import confirm_offline_payment, void_offline_payment
from payments.statuses import PaymentMethod


async def _cod_order(fulfilment: dict[str, Any]) -> dict[str, Any]:
    """The parcel's order, which must be cash on delivery and still unpaid."""
    order = await Order.select().where(Order.id == fulfilment["order"]).first()
    if order is None:
        raise OrderNotFound("Order {id} was not found", id=fulfilment["order"])
    if not pays_offline(order["payment_method"]) or order["status"] != OrderStatus.PENDING_PAYMENT:
        raise OrderNotPayable(
            "Order {number} is not waiting for cash on delivery (it is {status})",
            number=order["number"],
            status=order["status"],
        )
    return order


async def cash_due(order: dict[str, Any], fulfilment_id: int) -> int:
    """Fen to collect with one parcel of a cash-on-delivery order."""
    parcels = (
        await Fulfilment.select(Fulfilment.id)
        .where((Fulfilment.order == order["id"]) & (Fulfilment.method == FulfilmentMethod.DELIVERY))
        .order_by(Fulfilment.id)
    )
    lines = await OrderLine.select().where(OrderLine.fulfilment == fulfilment_id)
    due = lines_paid(lines)
    if parcels and parcels[0]["id"] == fulfilment_id:
        due += order["shipping"] - order["discount"]
    return max(0, due)


async def cash_dues(views: list[FulfilmentView]) -> dict[int, int]:
    """Cash due per shipped parcel of unpaid cash-on-delivery orders (for the supplier's page)."""
    found: dict[int, int] = {}
    shipped = [v for v in views if v.status == FulfilmentStatus.SHIPPED]
    if not shipped:
        return found
    orders = {
        row["id"]: row
        for row in await Order.select().where(Order.id.is_in([v.order_id for v in shipped]))
    }
    for view in shipped:
        order = orders.get(view.order_id)
        if (
            order is not None
            and pays_offline(order["payment_method"])
            and order["status"] == OrderStatus.PENDING_PAYMENT
        ):
            found[view.id] = await cash_due(order, view.id)
    return found


async def record_cash_collected(
    supplier_id: int, fulfilment_id: int, *, amount: int, actor_id: int | None
) -> FulfilmentView:
    """The courier handed the parcel over and collected `amount` fen: it is delivered.

    The amount must be the parcel's cash due (400 naming it otherwise).
    """
    async with write_transaction():
        fulfilment = await _own(supplier_id, fulfilment_id)
        order = await _cod_order(fulfilment)
        due = await cash_due(order, fulfilment_id)
        if amount != due:
            raise InvalidOrder(
                "amount: the cash due for this parcel is {due} fen, not {amount}",
                due=due,
                amount=amount,
            )
        await move_fulfilment(
            fulfilment,
            FulfilmentStatus.DELIVERED,
            kind="cash_collected",
            actor_id=actor_id,
            note=f"{amount}",
            values={Fulfilment.cod_collected: amount},
        )
        await _settle_cod_order(order, actor_id)
    return (await fulfilment_views(Fulfilment.id == fulfilment_id))[0]


async def record_refused(
    supplier_id: int, fulfilment_id: int, *, reason: str, actor_id: int | None
) -> FulfilmentView:
    """The consumer refused the parcel at the door: it comes back and its units return to stock."""
    reason = reason.strip()[:200] or "refused on delivery"
    async with write_transaction():
        fulfilment = await _own(supplier_id, fulfilment_id)
        order = await _cod_order(fulfilment)
        await move_fulfilment(
            fulfilment, FulfilmentStatus.REFUSED, kind="refused", actor_id=actor_id, note=reason
        )
        lines = await OrderLine.select().where(OrderLine.fulfilment == fulfilment_id)
        for line in lines:
            # Shipping sold the units; the returned parcel puts them back on hand.
            await receive_stock(
                location_id=fulfilment["location"],
                variant_id=line["variant"],
                quantity=line["quantity"],
                actor_id=actor_id,
                reference=f"{order['number']} refused",
            )
        await _settle_cod_order(order, actor_id)
    return (await fulfilment_views(Fulfilment.id == fulfilment_id))[0]


async def _settle_cod_order(order: dict[str, Any], actor_id: int | None) -> None:
    """Once every parcel is delivered or refused: paid for the cash collected, or cancelled."""
    parcels = await Fulfilment.select(Fulfilment.status, Fulfilment.cod_collected).where(
        Fulfilment.order == order["id"]
    )
    if any(p["status"] not in FULFILMENT_FINAL for p in parcels):
        return
    collected = sum(p["cod_collected"] or 0 for p in parcels)
    if collected > 0:
        paid = await confirm_offline_payment(
            order_id=order["id"], method=PaymentMethod.CASH, actor_id=actor_id, amount=collected
        )
        await mark_order_paid(order["id"], payment_id=paid.payment_id, actor_id=actor_id)
        await after_fulfilment_settled(order["id"])
        return
    await void_offline_payment(order_id=order["id"])
    await move_order(
        order,
        OrderStatus.CANCELLED,
        kind="cancelled",
        actor_id=actor_id,
        note="refused on delivery",
        values={Order.closed_at: now_utc()},
    )
    await notify_user(
        order["customer_id"],
        "cancelled",
        title=f"订单 {order['number']} 已拒收 / Refused",
        body="拒收，订单已取消 / Refused on delivery: the order is cancelled",
        link=f"/orders/{order['id']}",
    )
