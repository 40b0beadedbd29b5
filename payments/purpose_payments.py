"""Payments not tied to an order: a supplier's entry fee or deposit, paid and refunded.

The money goes through the same providers and callbacks as an order's; the paid callback
reaches the package that registered the purpose (`payments.purposes`).
"""

from __future__ import annotations

from core.database import write_transaction
from payments.errors import InvalidPayment, PaymentConflict, PaymentNotFound
from payments.providers import get_provider
from payments.purposes import PaymentPurpose
from payments.reads import _views
from payments.records import PaymentStart, PaymentView, RefundResult, _now
from payments.refunds import refund_payment
from payments.starting import insert_and_open, record_opened
from payments.statuses import PAID_STATUSES, PaymentStatus
from payments.tables import Payment


async def start_purpose_payment(
    *,
    purpose: PaymentPurpose,
    subject_id: int,
    reference: str,
    amount: int,
    provider: str,
    payer_id: int,
    currency: str = "CNY",
) -> PaymentStart:
    """Open a payment for `purpose` of `subject_id` (or return the one already pending).

    `payer_id` is the account that may open the hosted pay page; `reference` is shown on it
    and sent to the provider (at most 32 characters).
    """
    if purpose == PaymentPurpose.ORDER:
        raise InvalidPayment("Order payments are opened with the order")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidPayment("The amount to pay must be a whole number of fen above zero")
    chosen = get_provider(provider)
    if chosen.offline:
        raise InvalidPayment("Payment method {method} is not paid online", method=provider)
    async with write_transaction():
        pending = (
            await Payment.select()
            .where(
                (Payment.purpose == purpose)
                & (Payment.subject_id == subject_id)
                & (Payment.provider == provider)
                & (Payment.status == PaymentStatus.PENDING)
            )
            .first()
        )
        if pending is not None:
            if pending["amount"] == amount and pending["customer_id"] == payer_id:
                return PaymentStart(
                    pending["id"], provider, PaymentStatus.PENDING, pending["pay_url"] or None
                )
            await Payment.update(
                {Payment.status: PaymentStatus.FAILED, Payment.updated_at: _now()}
            ).where(Payment.id == pending["id"])
        payment_id, opened = await insert_and_open(
            chosen,
            {
                "order_id": None,
                "order_number": reference[:32],
                "purpose": purpose,
                "subject_id": subject_id,
                "customer_id": payer_id,
                "provider": provider,
                "amount": amount,
                "currency": currency,
                "status": PaymentStatus.PENDING,
            },
        )
        await record_opened(payment_id, opened)
    return PaymentStart(payment_id, provider, PaymentStatus.PENDING, opened.pay_url)


async def purpose_payments(purpose: PaymentPurpose, subject_id: int) -> list[PaymentView]:
    """Every payment of `purpose` for `subject_id`, oldest first, with refunds."""
    rows = (
        await Payment.select()
        .where((Payment.purpose == purpose) & (Payment.subject_id == subject_id))
        .order_by(Payment.id)
    )
    return await _views(rows)


async def refund_purpose_payment(payment_id: int, amount: int, reason: str) -> RefundResult:
    """Give back `amount` fen of one paid purpose payment through its provider."""
    if isinstance(amount, bool) or amount <= 0:
        raise InvalidPayment("The amount to refund must be a whole number of fen above zero")
    async with write_transaction():
        payment = await Payment.select().where(Payment.id == payment_id).first()
        if payment is None or payment["purpose"] == PaymentPurpose.ORDER:
            raise PaymentNotFound("No payment {payment_id}", payment_id=payment_id)
        if payment["status"] not in PAID_STATUSES:
            raise PaymentConflict("This payment is not paid")
        left = payment["amount"] - payment["refunded_amount"]
        if amount > left:
            raise InvalidPayment("Only {refundable} fen can be refunded", refundable=left)
        return await refund_payment(payment, amount, reason)
