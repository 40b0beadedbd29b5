"""Sold goods as settlement reads them: finished parts of paid orders, line by line.

A part counts once its goods reached the consumer: a pickup collected, a parcel delivered
(with its cash, for cash on delivery), a POS sale handed over, in an order that was paid.
Its time is when it finished (the fulfilment's last update). Refunds tied to a part
(`fulfilment.after_sale`) come off its lines in line order, each line at most what was
paid for it. Settlement never reads the fulfilment tables itself; it asks here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fulfilment.money import line_paid
from fulfilment.statuses import FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderLine
from payments.reads import refunded_by_fulfilment

#: Fulfilment states in which the goods are the consumer's.
FINISHED = (FulfilmentStatus.COLLECTED, FulfilmentStatus.DELIVERED)


@dataclass(frozen=True, slots=True)
class SoldLine:
    """One order line of a finished part, with what was paid for it."""

    line_id: int
    fulfilment_id: int
    order_id: int
    order_number: str
    supplier_id: int
    variant_id: int
    quantity: int
    #: Fen paid for the line (`fulfilment.money.line_paid`).
    paid: int
    #: Fen of the part's refunds that come off this line.
    refunded: int
    finished_at: datetime


async def sold_lines(
    supplier_id: int, *, start: datetime, end: datetime, skip_lines: set[int] | None = None
) -> list[SoldLine]:
    """A supplier's lines in parts finished in [start, end), by fulfilment then line id.

    `skip_lines`: order line ids left out (those already settled).
    """
    parts = (
        await Fulfilment.select(Fulfilment.id, Fulfilment.order, Fulfilment.updated_at)
        .where(
            Fulfilment.status.is_in(list(FINISHED))
            & (Fulfilment.updated_at >= start)
            & (Fulfilment.updated_at < end)
        )
        .order_by(Fulfilment.id)
    )
    if not parts:
        return []
    orders = {
        row["id"]: row
        for row in await Order.select(Order.id, Order.number, Order.status, Order.paid_at).where(
            Order.id.is_in(sorted({p["order"] for p in parts}))
        )
    }
    finished = {
        p["id"]: p
        for p in parts
        if orders[p["order"]]["paid_at"] is not None
        and orders[p["order"]]["status"] in (OrderStatus.PAID, OrderStatus.COMPLETED)
    }
    if not finished:
        return []
    lines = (
        await OrderLine.select()
        .where(OrderLine.fulfilment.is_in(sorted(finished)))
        .order_by(OrderLine.fulfilment, OrderLine.id)
    )
    refunds = await refunded_by_fulfilment(sorted(finished))
    refunded: dict[int, int] = {}
    for line in lines:  # every supplier's lines: a part's refund comes off them in order
        left = refunds.get(line["fulfilment"], 0)
        take = min(left, line_paid(line))
        refunded[line["id"]] = take
        refunds[line["fulfilment"]] = left - take
    skip = skip_lines or set()
    lines = [
        line for line in lines if line["supplier_id"] == supplier_id and line["id"] not in skip
    ]
    return [
        SoldLine(
            line_id=line["id"],
            fulfilment_id=line["fulfilment"],
            order_id=line["order"],
            order_number=orders[finished[line["fulfilment"]]["order"]]["number"],
            supplier_id=line["supplier_id"],
            variant_id=line["variant"],
            quantity=line["quantity"],
            paid=line_paid(line),
            refunded=refunded[line["id"]],
            finished_at=finished[line["fulfilment"]]["updated_at"],
        )
        for line in lines
    ]


async def refunded_lines_now(line_ids: list[int]) -> list[SoldLine]:
    """Lines settled before, as they stand now, where their part has had refunds.

    For clawing back refunds made after settlement: each line's paid and refunded figures
    are computed exactly as `sold_lines` computes them (the part's refunds off its lines in
    line order), whatever period the part finished in. Lines of parts without any refund
    are left out: nothing can have changed for them.
    """
    if not line_ids:
        return []
    parts = sorted(
        {
            r["fulfilment"]
            for r in await OrderLine.select(OrderLine.fulfilment).where(
                OrderLine.id.is_in(sorted(set(line_ids)))
            )
        }
    )
    refunds = await refunded_by_fulfilment(parts)
    if not refunds:
        return []
    finished = {
        p["id"]: p
        for p in await Fulfilment.select(
            Fulfilment.id, Fulfilment.order, Fulfilment.updated_at
        ).where(Fulfilment.id.is_in(sorted(refunds)))
    }
    numbers = {
        r["id"]: r["number"]
        for r in await Order.select(Order.id, Order.number).where(
            Order.id.is_in(sorted({p["order"] for p in finished.values()}))
        )
    }
    lines = (
        await OrderLine.select()
        .where(OrderLine.fulfilment.is_in(sorted(finished)))
        .order_by(OrderLine.fulfilment, OrderLine.id)
    )
    wanted = set(line_ids)
    found = []
    for line in lines:  # every supplier's lines: a part's refund comes off them in order
        left = refunds.get(line["fulfilment"], 0)
        take = min(left, line_paid(line))
        refunds[line["fulfilment"]] = left - take
        if line["id"] not in wanted:
            continue
        part = finished[line["fulfilment"]]
        found.append(
            SoldLine(
                line_id=line["id"],
                fulfilment_id=line["fulfilment"],
                order_id=line["order"],
                order_number=numbers[part["order"]],
                supplier_id=line["supplier_id"],
                variant_id=line["variant"],
                quantity=line["quantity"],
                paid=line_paid(line),
                refunded=take,
                finished_at=part["updated_at"],
            )
        )
    return found


async def suppliers_with_sales(start: datetime, end: datetime) -> list[int]:
    """Suppliers with lines in parts finished in [start, end)."""
    parts = await Fulfilment.select(Fulfilment.id).where(
        Fulfilment.status.is_in(list(FINISHED))
        & (Fulfilment.updated_at >= start)
        & (Fulfilment.updated_at < end)
    )
    if not parts:
        return []
    rows = await OrderLine.select(OrderLine.supplier_id).where(
        OrderLine.fulfilment.is_in([p["id"] for p in parts])
    )
    return sorted({r["supplier_id"] for r in rows})
