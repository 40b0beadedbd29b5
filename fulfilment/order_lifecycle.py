"""An order after it is placed: paid or payment failed, cancelled, received, completed.

Each move goes through `fulfilment.moves` (one conditional UPDATE per state change, an
event, a realtime announcement after commit).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from catalog.variant_facts import variants_info
from core.database import write_transaction
from fulfilment.errors import OrderNotFound, OrderNotPayable
from fulfilment.moves import announce, move_fulfilment, move_order, now_utc, record_event
from fulfilment.placing import AUTO_CONFIRM_DAYS
from fulfilment.state_machine import FULFILMENT_FINAL
from fulfilment.statuses import FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderLine
from fulfilment.views import CANCELLABLE_FULFILMENT, OrderView, load_order
from locations.stock import StockLine, release_stock
from members.points import earn_for_order, give_back_spent
from notifications.roles import notify_supplier
from notifications.service import notify_user
from notifications.wording import both
from payments.service import PaymentStart, refund_order_payments, start_payment
from promotions.usage import release_uses


def _yuan(fen: int) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"


async def _order_row(order_id: int) -> dict[str, Any]:
    row = await Order.select().where(Order.id == order_id).first()
    if row is None:
        raise OrderNotFound("Order {id} was not found", id=order_id)
    return row


#: Order events kept for staff and audits, not shown on the customer's timeline.
STAFF_ONLY_EVENTS = frozenset({"scan_refused"})


async def customer_order(order_id: int, customer_id: int) -> OrderView:
    """A consumer's own order; someone else's is as not found (404).

    Its timeline leaves out the store's own audit events (refused scans), which say
    nothing to the customer.
    """
    view = await load_order(order_id)
    if view is None or view.customer_id != customer_id:
        raise OrderNotFound("Order {id} was not found", id=order_id)
    view.events = [e for e in view.events if e.kind not in STAFF_ONLY_EVENTS]
    return view


async def mark_order_paid(order_id: int, *, payment_id: int, actor_id: int | None = None) -> None:
    """The order's payment succeeded: pending_payment → paid (idempotent).

    Raises:
        OrderNotPayable: the order was cancelled meanwhile; the caller refunds the payment.
    """
    async with write_transaction():
        order = await _order_row(order_id)
        if order["status"] in (OrderStatus.PAID, OrderStatus.COMPLETED):
            return
        if order["status"] != OrderStatus.PENDING_PAYMENT:
            raise OrderNotPayable(
                "Order {number} is {status} and can no longer be paid",
                number=order["number"],
                status=order["status"],
            )
        await move_order(
            order,
            OrderStatus.PAID,
            kind="paid",
            actor_id=actor_id,
            note=f"#{payment_id}",
            values={Order.paid_at: now_utc()},
        )
        if order["channel"] == "online":
            lines = await OrderLine.select(OrderLine.variant).where(
                OrderLine.fulfilment._.order == order_id
            )
            facts = await variants_info([line["variant"] for line in lines])
            for supplier_id in sorted({info.supplier_id for info in facts.values()}):
                await notify_supplier(
                    supplier_id,
                    "new_order",
                    title=both("New order {number}", number=order["number"]),
                    link="/supplier/fulfilments",
                )
            # An order placed online: the inbox confirms the payment, however it came
            # (provider, cash at pickup, on delivery). A till sale's receipt is in hand.
            await notify_user(
                order["customer_id"],
                "paid",
                title=both("Order {number} is paid", number=order["number"]),
                body=both("We received {amount}", amount=_yuan(order["total"])),
                link=f"/orders/{order_id}",
            )
        if order["customer_id"] is not None:
            # `total` is the money paid (points spent are not): points are earned on it.
            await earn_for_order(
                order["customer_id"],
                order_id,
                spend=order["total"],
                channel=order["channel"],
                number=order["number"],
            )


async def mark_payment_failed(order_id: int, *, payment_id: int) -> None:
    """Record a failed payment; the order stays waiting for payment."""
    async with write_transaction():
        order = await _order_row(order_id)
        await record_event(
            order_id,
            "payment_failed",
            old_state=order["status"],
            new_state=order["status"],
            note=f"#{payment_id}",
        )
        await announce(
            order_id, {"type": "order", "status": order["status"], "kind": "payment_failed"}
        )
        if order["status"] == OrderStatus.PENDING_PAYMENT:
            await notify_user(
                order["customer_id"],
                "payment_failed",
                title=both("Payment of order {number} failed", number=order["number"]),
                body=both("The order still waits for payment: you can pay again"),
                link=f"/orders/{order_id}",
            )


async def restart_payment(order_id: int, customer_id: int) -> PaymentStart:
    """Open (or reopen) the online payment of a consumer's unpaid order."""
    view = await customer_order(order_id, customer_id)
    if not view.can_pay:
        raise OrderNotPayable(
            "Order {number} is {status} and can no longer be paid",
            number=view.number,
            status=view.status,
        )
    return await start_payment(
        order_id=view.id,
        order_number=view.number,
        amount=view.total,
        currency=view.currency,
        provider=view.payment_method,
        customer_id=customer_id,
    )


async def cancel_order(
    order_id: int,
    *,
    actor_id: int | None,
    customer_id: int | None = None,
    reason: str = "cancelled by the customer",
) -> OrderView:
    """Cancel an order before anything is ready or shipped: stock back, money back.

    `customer_id` limits it to the consumer's own order (404 otherwise).
    """
    async with write_transaction():
        order = await _order_row(order_id)
        if customer_id is not None and order["customer_id"] != customer_id:
            raise OrderNotFound("Order {id} was not found", id=order_id)
        fulfilments = await Fulfilment.select().where(Fulfilment.order == order_id)
        late = [
            f
            for f in fulfilments
            if f["status"] not in {*CANCELLABLE_FULFILMENT, FulfilmentStatus.CANCELLED}
        ]
        if late and order["status"] in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID):
            raise OrderNotPayable(
                "Order {number} can no longer be cancelled: part of it is {status}",
                number=order["number"],
                status=late[0]["status"],
            )
        was_paid = order["status"] == OrderStatus.PAID
        await move_order(
            order,
            OrderStatus.CANCELLED,
            kind="cancelled",
            actor_id=actor_id,
            note=reason,
            values={Order.closed_at: now_utc()},
        )
        lines = await OrderLine.select().where(OrderLine.order == order_id)
        for f in fulfilments:
            if f["status"] == FulfilmentStatus.CANCELLED:
                continue
            await release_stock(
                [
                    StockLine(f["location"], line["variant"], line["quantity"])
                    for line in lines
                    if line["fulfilment"] == f["id"]
                ],
                reference=order["number"],
                actor_id=actor_id,
            )
            await move_fulfilment(
                f, FulfilmentStatus.CANCELLED, kind="cancelled", actor_id=actor_id, note=reason
            )
        if was_paid:
            await refund_order_payments(order_id=order_id, reason=reason)
        else:
            # An unpaid order cancelled (by the consumer, staff or the unpaid-order sweep)
            # gives its coupons, flash-price units and per-person counts back, and the
            # points it spent (a paid one gets them back through its refund).
            await release_uses(order_id)
            await give_back_spent(order_id)
            if actor_id is None or actor_id != order["customer_id"]:
                # Not their own doing (the sweep, staff): tell them why it is gone.
                await notify_user(
                    order["customer_id"],
                    "cancelled",
                    title=both("Order {number} was cancelled", number=order["number"]),
                    body=both(reason),
                    link=f"/orders/{order_id}",
                )
    view = await load_order(order_id)
    assert view is not None
    return view


async def confirm_receipt(
    order_id: int, *, customer_id: int | None, actor_id: int | None
) -> OrderView:
    """Everything arrived: paid → completed (by the consumer, or by the auto-confirm sweep)."""
    async with write_transaction():
        order = await _order_row(order_id)
        if customer_id is not None and order["customer_id"] != customer_id:
            raise OrderNotFound("Order {id} was not found", id=order_id)
        fulfilments = await Fulfilment.select().where(Fulfilment.order == order_id)
        waiting = [f for f in fulfilments if f["status"] not in FULFILMENT_FINAL]
        if waiting and order["status"] == OrderStatus.PAID:
            raise OrderNotPayable(
                "Order {number} has not fully arrived yet: part of it is {status}",
                number=order["number"],
                status=waiting[0]["status"],
            )
        await move_order(
            order,
            OrderStatus.COMPLETED,
            kind="receipt_confirmed" if customer_id is not None else "auto_confirmed",
            actor_id=actor_id,
            values={Order.closed_at: now_utc()},
        )
    view = await load_order(order_id)
    assert view is not None
    return view


async def after_fulfilment_settled(order_id: int) -> None:
    """Once every delivery parcel has arrived, start the auto-confirm clock."""
    fulfilments = await Fulfilment.select(Fulfilment.status).where(Fulfilment.order == order_id)
    if all(f["status"] in FULFILMENT_FINAL for f in fulfilments):
        await Order.update(
            {Order.auto_confirm_at: now_utc() + timedelta(days=AUTO_CONFIRM_DAYS)}
        ).where((Order.id == order_id) & (Order.status == OrderStatus.PAID))
