"""Handing a pickup over: paid at the counter if due, split when not all is taken.

Also cancelling lines the customer no longer wants.

A handover needs the code of that pickup in the same request (the scanned token or the
typed short code), checked inside the write transaction; a wrong one counts against the
staff member like a wrong code at the scan.

A code works once because `hand_over` marks the fulfilment collected in one conditional
UPDATE (`… WHERE id = ? AND status = 'ready_for_pickup'`, through `move_fulfilment`),
checked by the rows it changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.roles import CurrentUser
from core.database import write_transaction
from core.errors import InvalidInput
from fulfilment.errors import IllegalTransition, WrongPickupCode
from fulfilment.hours import shown_time
from fulfilment.moves import move_fulfilment, move_order, now_utc, record_event
from fulfilment.orders import after_fulfilment_settled, cancel_order, mark_order_paid
from fulfilment.pickup.queue import (
    COUNTER_METHODS,
    AlreadyCollected,
    NotHandOverable,
    _collected_by,
    _fulfilment,
    _order,
    _payment_status,
    key_ring,
)
from fulfilment.pickup.staff_moves import _unused_short_code
from fulfilment.pickup_attempts import PickupAttemptLimiter
from fulfilment.pickup_codes import is_code_of, issue_token
from fulfilment.selling import sell_lines
from fulfilment.state_machine import FULFILMENT_FINAL
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderLine
from locations.stock import StockLine, release_stock
from payments.service import confirm_offline_payment, refund_order_payments


async def _split_off(
    row: dict[str, Any], line_ids: list[int], status: str, actor_id: int, now: datetime
) -> int:
    """Move some lines of a pickup into a new fulfilment of the same store in `status`."""
    values: dict[str, Any] = {}
    if status == FulfilmentStatus.READY_FOR_PICKUP:
        values = {"short_code": await _unused_short_code(row["location"])}
        _, values["token_nonce"] = issue_token(row["id"], row["location"], key_ring())
    created = await Fulfilment.insert(
        Fulfilment(
            order=row["order"],
            location=row["location"],
            method=FulfilmentMethod.PICKUP,
            status=status,
            ready_by=row["ready_by"],
            pickup_deadline=row["pickup_deadline"],
            created_at=now,
            updated_at=now,
            **values,
        )
    ).returning(Fulfilment.id)
    new_id = created[0]["id"]
    await OrderLine.update({OrderLine.fulfilment: new_id}).where(OrderLine.id.is_in(line_ids))
    await record_event(
        row["order"],
        "split" if status == FulfilmentStatus.READY_FOR_PICKUP else "lines_cancelled",
        fulfilment_id=new_id,
        actor_id=actor_id,
        old_state=row["status"],
        new_state=status,
        note=f"from #{row['id']}",
    )
    return new_id


async def _settle_order(order_id: int, actor_id: int | None, note: str = "") -> None:
    """Close the order once none of its fulfilments is open any more."""
    order = await _order(order_id)
    states = [
        f["status"]
        for f in await Fulfilment.select(Fulfilment.status).where(Fulfilment.order == order_id)
    ]
    if order["status"] != OrderStatus.PAID or any(s not in FULFILMENT_FINAL for s in states):
        return
    if FulfilmentStatus.DELIVERED in states:
        await after_fulfilment_settled(order_id)
    elif FulfilmentStatus.COLLECTED in states:
        await move_order(
            order,
            OrderStatus.COMPLETED,
            kind="completed",
            actor_id=actor_id,
            values={Order.closed_at: now_utc()},
        )
    else:
        await move_order(
            order,
            OrderStatus.CANCELLED,
            kind="cancelled",
            actor_id=actor_id,
            note=note,
            values={Order.closed_at: now_utc()},
        )


@dataclass(frozen=True, slots=True)
class HandedOver:
    """The result of a handover."""

    id: int
    status: str
    #: The fulfilment holding lines left for later (kept) or cancelled, if any.
    rest_id: int | None = None
    refunded: int = 0


async def hand_over(
    location_id: int,
    fulfilment_id: int,
    staff: CurrentUser,
    code: str,
    limiter: PickupAttemptLimiter,
    *,
    line_ids: Sequence[int] | None = None,
    payment_method: str | None = None,
    rest: str = "keep",
    now: datetime | None = None,
) -> HandedOver:
    """Give a ready pickup to the customer: once only, after taking any money due.

    `code` is what was scanned or typed for this pickup: its short code or its QR token.
    Any other code is refused (403, nothing changes) and counts as a wrong attempt of this
    staff member at this store (`limiter`, 429 once the limit is reached).
    `line_ids` hands over some lines only; the others stay ready under a new code
    (`rest="keep"`) or are cancelled, their stock released and their price refunded
    (`rest="cancel"`). Pay-in-store orders need a `payment_method` (cash, card or qr).
    """
    now = now or now_utc()
    if rest not in ("keep", "cancel"):
        raise InvalidInput("Choose keep or cancel for the lines not handed over")
    if not code.strip():
        raise InvalidInput("Scan the QR code or type the pickup code")
    # The attempt takes its place before the code is compared, so parallel guesses are capped.
    await limiter.check(staff.id, location_id)
    async with write_transaction():
        row = await _fulfilment(location_id, fulfilment_id)
        if not is_code_of(
            code,
            fulfilment_id=row["id"],
            location_id=location_id,
            short_code=row["short_code"],
            nonce=row["token_nonce"],
            ring=key_ring(),
        ):
            raise WrongPickupCode("This code is not the code of this pickup")
        await limiter.release(staff.id, location_id)  # the right code is no guess
        order = await _order(row["order"])
        if row["status"] == FulfilmentStatus.COLLECTED:
            when, who = await _collected_by(row["id"])
            raise AlreadyCollected(
                "Already collected on {when} (handed over by {who})",
                when=shown_time(when),
                who=who,
            )
        if (
            row["status"] == FulfilmentStatus.READY_FOR_PICKUP
            and row["pickup_deadline"]
            and (row["pickup_deadline"] < now)
        ):
            raise NotHandOverable("This pickup expired: it was not collected in time")
        lines = await OrderLine.select().where(OrderLine.fulfilment == fulfilment_id)
        chosen = [line for line in lines if line_ids is None or line["id"] in set(line_ids)]
        if line_ids is not None and (not chosen or len(chosen) != len(set(line_ids))):
            raise InvalidInput("Choose lines of this order to hand over")
        others = [line for line in lines if line not in chosen]
        to_pay = _payment_status(order) == "to_pay_in_store"
        if to_pay and payment_method not in COUNTER_METHODS:
            raise InvalidInput("Take the payment first: choose cash, card or qr")
        try:
            await move_fulfilment(
                row, FulfilmentStatus.COLLECTED, kind="collected", actor_id=staff.id
            )
        except IllegalTransition:
            current = (
                await Fulfilment.select(Fulfilment.status)
                .where(Fulfilment.id == fulfilment_id)
                .first()
            )
            if current and current["status"] == FulfilmentStatus.COLLECTED:
                when, who = await _collected_by(fulfilment_id)
                raise AlreadyCollected(
                    "Already collected on {when} (handed over by {who})",
                    when=shown_time(when),
                    who=who,
                ) from None
            raise NotHandOverable(
                "This order cannot be handed over: it is {status}",
                status=current["status"] if current else "missing",
            ) from None
        if to_pay:
            assert payment_method is not None
            paid = await confirm_offline_payment(
                order_id=order["id"], method=payment_method, actor_id=staff.id
            )
            await mark_order_paid(order["id"], payment_id=paid.payment_id, actor_id=staff.id)
        rest_id, refunded = None, 0
        if others:
            rest_id = await _split_off(
                row,
                [line["id"] for line in others],
                FulfilmentStatus.READY_FOR_PICKUP if rest == "keep" else FulfilmentStatus.CANCELLED,
                staff.id,
                now,
            )
            if rest == "cancel":
                await release_stock(
                    [StockLine(location_id, line["variant"], line["quantity"]) for line in others],
                    reference=order["number"],
                    actor_id=staff.id,
                )
                refunded = sum(
                    line["unit_price"] * line["quantity"] - line["discount"] for line in others
                )
                if refunded > 0:
                    await refund_order_payments(
                        order_id=order["id"],
                        amount=refunded,
                        reason="not collected: cancelled at the counter",
                    )
        await sell_lines(
            [StockLine(location_id, line["variant"], line["quantity"]) for line in chosen],
            reference=order["number"],
            actor_id=staff.id,
        )
        await _settle_order(order["id"], staff.id)
    return HandedOver(fulfilment_id, FulfilmentStatus.COLLECTED, rest_id, refunded)


async def cancel_pickup_lines(
    location_id: int,
    fulfilment_id: int,
    staff: CurrentUser,
    line_ids: Sequence[int],
    *,
    reason: str = "cancelled by the store",
) -> HandedOver:
    """Cancel lines of a pickup not yet ready (e.g. damaged goods): stock back, money back.

    Cancelling every line of a one-pickup order cancels the order (`cancel_order`); part of
    an order is cancelled only once it is paid, so the refund is exact.
    """
    now = now_utc()
    async with write_transaction():
        row = await _fulfilment(location_id, fulfilment_id)
        if row["status"] not in (FulfilmentStatus.ALLOCATED, FulfilmentStatus.PREPARING):
            raise NotHandOverable(
                "Lines can be cancelled only before the order is ready; it is {status}",
                status=row["status"],
            )
        order = await _order(row["order"])
        lines = await OrderLine.select().where(OrderLine.fulfilment == fulfilment_id)
        gone = [line for line in lines if line["id"] in set(line_ids)]
        if not gone or len(gone) != len(set(line_ids)):
            raise InvalidInput("Choose lines of this order to cancel")
        siblings = await Fulfilment.count().where(Fulfilment.order == order["id"])
        if len(gone) == len(lines) and siblings == 1:
            await cancel_order(order["id"], actor_id=staff.id, reason=reason)
            return HandedOver(
                fulfilment_id,
                FulfilmentStatus.CANCELLED,
                fulfilment_id,
                order["total"] if order["status"] == OrderStatus.PAID else 0,
            )
        if order["status"] != OrderStatus.PAID:
            raise NotHandOverable("Part of an unpaid order is cancelled at handover, not before")
        await release_stock(
            [StockLine(location_id, line["variant"], line["quantity"]) for line in gone],
            reference=order["number"],
            actor_id=staff.id,
        )
        amount = sum(line["unit_price"] * line["quantity"] - line["discount"] for line in gone)
        if len(gone) == len(lines):
            await move_fulfilment(
                row, FulfilmentStatus.CANCELLED, kind="cancelled", actor_id=staff.id, note=reason
            )
            rest_id = fulfilment_id
        else:
            rest_id = await _split_off(
                row, [line["id"] for line in gone], FulfilmentStatus.CANCELLED, staff.id, now
            )
        if amount > 0:
            await refund_order_payments(order_id=order["id"], amount=amount, reason=reason)
        await _settle_order(order["id"], staff.id, reason)
    return HandedOver(
        fulfilment_id,
        FulfilmentStatus.CANCELLED if rest_id == fulfilment_id else row["status"],
        rest_id,
        amount,
    )
