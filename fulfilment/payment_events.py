"""Fulfilment reacting to payment events: what a payment's news does to its order.

`payments` verifies and records a provider's callback; the hook given to it here moves the
order inside the same transaction: paid, payment failed, or, when the money arrives for
an order that was cancelled meanwhile, refunded at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from fulfilment.errors import OrderNotPayable
from fulfilment.orders import mark_order_paid, mark_payment_failed
from payments import sandbox
from payments.online import check_with_provider
from payments.recovery import recover_order_payments, sync_pending_payments
from payments.service import (
    PaymentResult,
    PaymentView,
    customer_payment,
    handle_webhook,
    refund_order_payments,
)
from payments.statuses import PaymentStatus

#: Stored on the refund when money arrives for an order that was cancelled meanwhile.
LATE_PAYMENT_REASON = "The order was cancelled before its payment arrived"


async def move_order_on_payment(result: PaymentResult) -> None:
    """Carry a payment's new state over to its order (inside the callback's transaction)."""
    if not result.newly_changed:
        return
    if result.status == PaymentStatus.FAILED:
        await mark_payment_failed(result.order_id, payment_id=result.payment_id)
        return
    try:
        await mark_order_paid(result.order_id, payment_id=result.payment_id)
    except OrderNotPayable:
        await refund_order_payments(order_id=result.order_id, reason=LATE_PAYMENT_REASON)


async def receive_callback(
    provider: str, body: bytes, headers: Mapping[str, str]
) -> PaymentResult | None:
    """Verify a provider's raw callback, record it once and move the order along.

    None when the event was already handled (a replay).
    """
    return await handle_webhook(provider, body, headers, then=move_order_on_payment)


async def pay_in_sandbox(payment_id: int, customer_id: int, outcome: str) -> PaymentView:
    """The consumer pays (or fails to pay) on the sandbox page: a signed callback, delivered.

    It goes down the same verification path as a real provider's webhook call.
    """
    body, headers = await sandbox.sign_consumer_result(payment_id, customer_id, outcome)
    await receive_callback(sandbox.SANDBOX, body, headers)
    return await customer_payment(payment_id, customer_id)


async def recover_order_payment(order_id: int) -> bool:
    """Ask the provider about the order's pending payment (its callback may be lost).

    Whether the provider said it is paid (the order is then marked paid, once).
    """
    results = await recover_order_payments(order_id, then=move_order_on_payment)
    return any(result.status == PaymentStatus.SUCCEEDED for result in results)


async def sync_payments(older_than_minutes: int = 2) -> list[PaymentResult]:
    """Ask the providers about every pending payment, moving their orders along."""
    return await sync_pending_payments(
        older_than_minutes=older_than_minutes, then=move_order_on_payment
    )


async def check_online_payment(payment_id: int, customer_id: int) -> PaymentView:
    """The consumer's "I have paid": ask the provider, and move the order if it says paid."""
    return await check_with_provider(payment_id, customer_id, then=move_order_on_payment)
