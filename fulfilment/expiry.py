"""Pickup deadlines: remind the consumer a day before, expire what was never collected.

Both run in the periodic sweep (`fulfilment.sweeps.run_sweeps`). Expiring a pickup moves it
ready_for_pickup → expired with the state in the UPDATE's WHERE clause, so a handover at the
same moment wins or loses cleanly; the stock goes back and the money is refunded.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from accounts.people import email_of
from core.database import write_transaction
from fulfilment.errors import IllegalTransition
from fulfilment.moves import move_fulfilment, move_order, record_event
from fulfilment.pickup import EXPIRING_SOON
from fulfilment.state_machine import FULFILMENT_FINAL
from fulfilment.tables import Fulfilment, Order, OrderEvent, OrderLine
from locations.stock import StockLine, release_stock
from notifications.service import notify
from payments.service import refund_order_payments

log = logging.getLogger(__name__)
#: Pickups handled per sweep run.
BATCH = 200


async def _email(user_id: int | None) -> str:
    return await email_of(user_id)


async def _expire_one(row: dict[str, Any]) -> bool:
    async with write_transaction():
        try:
            await move_fulfilment(
                row, "expired", kind="expired", note="not collected before the deadline"
            )
        except IllegalTransition:
            return False  # handed over meanwhile
        order = await Order.select().where(Order.id == row["order"]).first()
        assert order is not None
        lines = await OrderLine.select().where(OrderLine.fulfilment == row["id"])
        await release_stock(
            [StockLine(row["location"], line["variant"], line["quantity"]) for line in lines],
            reference=order["number"],
        )
        amount = sum(line["unit_price"] * line["quantity"] - line["discount"] for line in lines)
        refunded = []
        if order["status"] == "paid" and amount > 0:
            refunded = await refund_order_payments(
                order_id=order["id"], amount=amount, reason="pickup expired"
            )
        states = [
            f["status"]
            for f in await Fulfilment.select(Fulfilment.status).where(
                Fulfilment.order == order["id"]
            )
        ]
        if all(s in FULFILMENT_FINAL for s in states) and not {"collected", "delivered"} & set(
            states
        ):
            await move_order(
                order,
                "cancelled",
                kind="cancelled",
                note="pickup expired",
                values={Order.closed_at: datetime.now().astimezone()},
            )
        if order["customer_id"] is not None:
            money = f" ¥{amount / 100:.2f} 已退款 / refunded." if refunded else ""
            await notify(
                order["customer_id"],
                "pickup_expired",
                title=f"订单 {order['number']} 自提已过期 / Pickup expired",
                body=f"未在取货期限内取货，订单已取消。{money}\n"
                "The pickup was not collected in time and has been cancelled.",
                link=f"/orders/{order['id']}",
                email=await _email(order["customer_id"]),
            )
    return True


async def expire_pickups(now: datetime) -> list[int]:
    """Expire ready pickups past their deadline: stock back, refund, consumer told."""
    rows = (
        await Fulfilment.select()
        .where(
            (Fulfilment.method == "pickup")
            & (Fulfilment.status == "ready_for_pickup")
            & (Fulfilment.pickup_deadline < now)
        )
        .order_by(Fulfilment.id)
        .limit(BATCH)
    )
    return [row["id"] for row in rows if await _expire_one(row)]


async def remind_expiring_pickups(now: datetime) -> list[int]:
    """Tell consumers whose ready pickup expires within a day (once per pickup)."""
    rows = (
        await Fulfilment.select()
        .where(
            (Fulfilment.method == "pickup")
            & (Fulfilment.status == "ready_for_pickup")
            & (Fulfilment.pickup_deadline >= now)
            & (Fulfilment.pickup_deadline < now + EXPIRING_SOON)
        )
        .order_by(Fulfilment.id)
        .limit(BATCH)
    )
    reminded = []
    for row in rows:
        async with write_transaction():
            done = await OrderEvent.exists().where(
                (OrderEvent.fulfilment == row["id"]) & (OrderEvent.kind == "pickup_reminder")
            )
            if done:
                continue
            order = await Order.select().where(Order.id == row["order"]).first()
            assert order is not None
            await record_event(
                order["id"],
                "pickup_reminder",
                fulfilment_id=row["id"],
                old_state=row["status"],
                new_state=row["status"],
            )
            if order["customer_id"] is not None:
                left = max(1, int((row["pickup_deadline"] - now) / timedelta(hours=1)))
                await notify(
                    order["customer_id"],
                    "pickup_expiring",
                    title=f"订单 {order['number']} 即将过期 / Pickup expires soon",
                    body=f"请在 {left} 小时内凭取货码 {row['short_code']} 取货。\n"
                    f"Collect within {left} hours with code {row['short_code']}.",
                    link=f"/orders/{order['id']}",
                    email=await _email(order["customer_id"]),
                )
        reminded.append(row["id"])
    return reminded
