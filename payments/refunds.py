"""Refunds: money of an order given back through the providers it was paid with."""

from __future__ import annotations

from typing import Any

from core.database import current_engine, is_postgres, write_transaction
from members.points import reverse_for_refund
from notifications.service import notify_user
from payments.errors import InvalidPayment
from payments.providers import get_provider
from payments.records import RefundResult, _info, _now
from payments.statuses import PAID_STATUSES, PaymentStatus, RefundStatus
from payments.tables import Payment, Refund


async def refund_payment(
    payment: dict[str, Any], amount: int, reason: str, *, fulfilment_id: int | None = None
) -> RefundResult:
    """Give back `amount` fen of one paid payment row through its provider and record it.

    The caller has checked the amount against what is left and holds the write transaction.
    """
    given = await get_provider(payment["provider"]).refund(_info(payment), amount)
    inserted = await Refund.insert(
        Refund(
            payment=payment["id"],
            amount=amount,
            reason=reason[:200],
            status=given.status,
            provider_ref=given.provider_ref,
            fulfilment_id=fulfilment_id,
        )
    ).returning(Refund.id)
    refunded = payment["refunded_amount"] + amount
    await Payment.update(
        {
            Payment.refunded_amount: refunded,
            Payment.status: (
                PaymentStatus.REFUNDED
                if refunded == payment["amount"]
                else PaymentStatus.PARTIALLY_REFUNDED
            ),
            Payment.updated_at: _now(),
        }
    ).where(Payment.id == payment["id"])
    return RefundResult(
        refund_id=inserted[0]["id"],
        payment_id=payment["id"],
        provider=payment["provider"],
        amount=amount,
        currency=payment["currency"],
        status=given.status,
    )


async def settle_refund(refund_id: int, status: str) -> bool:
    """The provider's final word on a refund it was processing: succeeded or failed.

    The one place a refund's status moves after it was made: `kuaiqu payments sync` (a
    refund query's answer) and the provider's refund notification both come here. Only a
    refund still processing changes, so a second word (a replay, or sync after the
    notification) changes nothing; True when this call changed it.
    """
    if status not in (RefundStatus.SUCCEEDED, RefundStatus.FAILED):
        return False
    async with write_transaction():
        changed = (
            await Refund.update({Refund.status: status})
            .where((Refund.id == refund_id) & (Refund.status == RefundStatus.PROCESSING))
            .returning(Refund.id)
        )
    return bool(changed)


async def refund_order_payments(
    *, order_id: int, amount: int | None = None, reason: str, fulfilment_id: int | None = None
) -> list[RefundResult]:
    """Give back `amount` fen of an order (all that was paid when None) through its providers.

    Payments are refunded oldest first until the amount is covered; an amount above what
    was paid and not yet refunded is refused. Nothing paid: nothing to do, [] is returned.
    `fulfilment_id` tags the refunds with the part of the order they are for (settlement
    nets them against that part's sales).
    """
    if amount is not None and (isinstance(amount, bool) or amount <= 0):
        raise InvalidPayment("The amount to refund must be a whole number of fen above zero")
    results: list[RefundResult] = []
    async with write_transaction():
        query = (
            Payment.select()
            .where((Payment.order_id == order_id) & Payment.status.is_in(list(PAID_STATUSES)))
            .order_by(Payment.id)
        )
        # Two refunds of one order must not both count the same money as refundable:
        # PostgreSQL locks the rows; SQLite's BEGIN IMMEDIATE already serialises writers.
        payments = await (query.lock_rows() if is_postgres(current_engine()) else query)
        refundable = sum(p["amount"] - p["refunded_amount"] for p in payments)
        if refundable == 0:
            return []
        remaining = refundable if amount is None else amount
        if remaining > refundable:
            raise InvalidPayment(
                "Only {refundable} fen can be refunded on this order", refundable=refundable
            )
        for payment in payments:
            take = min(remaining, payment["amount"] - payment["refunded_amount"])
            if take <= 0:
                continue
            results.append(await refund_payment(payment, take, reason, fulfilment_id=fulfilment_id))
            remaining -= take
            if remaining == 0:
                break
        if results:
            given_back = sum(r.amount for r in results)
            await reverse_for_refund(
                order_id,
                paid=sum(p["amount"] for p in payments),
                refunded=sum(p["refunded_amount"] for p in payments) + given_back,
            )
            await notify_user(
                payments[0]["customer_id"],
                "refunded",
                title=f"订单 {payments[0]['order_number']} 已退款 / Refunded",
                body=f"¥{given_back // 100}.{given_back % 100:02d}: {reason}",
                link=f"/orders/{order_id}",
            )
    return results
