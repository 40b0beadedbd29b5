"""Payments as pages show them: an order's payments with refunds, one payment, your own."""

from __future__ import annotations

from payments.errors import (
    PaymentAccessDenied,
    PaymentNotFound,
)
from payments.records import (
    PaymentView,
    RefundView,
    _view,
)
from payments.tables import Payment, Refund


async def payments_for_order(order_id: int) -> list[PaymentView]:
    """Every payment of an order with its refunds, oldest first."""
    rows = await Payment.select().where(Payment.order_id == order_id).order_by(Payment.id)
    return await _views(rows)


async def _views(rows: list[dict]) -> list[PaymentView]:
    if not rows:
        return []
    refunds = (
        await Refund.select()
        .where(Refund.payment.is_in([row["id"] for row in rows]))
        .order_by(Refund.id)
    )
    by_payment: dict[int, list[RefundView]] = {}
    for refund in refunds:
        by_payment.setdefault(refund["payment"], []).append(
            RefundView(
                id=refund["id"],
                amount=refund["amount"],
                reason=refund["reason"],
                status=refund["status"],
                created_at=refund["created_at"],
            )
        )
    return [_view(row, by_payment.get(row["id"], [])) for row in rows]


async def get_payment(payment_id: int) -> PaymentView:
    """One payment with its refunds; raises PaymentNotFound."""
    rows = await Payment.select().where(Payment.id == payment_id)
    if not rows:
        raise PaymentNotFound("No payment {payment_id}", payment_id=payment_id)
    return (await _views(rows))[0]


async def customer_payment(payment_id: int, customer_id: int) -> PaymentView:
    """A payment its own customer may see and pay; raises PaymentAccessDenied for others."""
    payment = await get_payment(payment_id)
    if payment.customer_id != customer_id:
        raise PaymentAccessDenied("This payment belongs to another customer")
    return payment


async def refunded_by_fulfilment(fulfilment_ids: list[int]) -> dict[int, int]:
    """Fen refunded against each of these fulfilments (those with none are left out)."""
    if not fulfilment_ids:
        return {}
    rows = await Refund.select(Refund.fulfilment_id, Refund.amount).where(
        Refund.fulfilment_id.is_in(fulfilment_ids)
    )
    found: dict[int, int] = {}
    for row in rows:
        found[row["fulfilment_id"]] = found.get(row["fulfilment_id"], 0) + row["amount"]
    return found
