"""Opening a payment for an order at its provider (idempotent per order and provider)."""

from __future__ import annotations

from typing import Any

from core.database import current_engine, is_unique_violation, write_transaction
from core.row_insert import insert_rows
from payments.errors import InvalidPayment, PaymentConflict
from payments.providers import PaymentInfo, PaymentProvider, ProviderStart, get_provider
from payments.records import _CURRENCY, PaymentStart, _now
from payments.statuses import PAID_STATUSES, PaymentStatus
from payments.tables import Payment


async def start_payment(
    *,
    order_id: int,
    order_number: str,
    amount: int,
    currency: str = "CNY",
    provider: str,
    customer_id: int | None = None,
    new_order: bool = False,
) -> PaymentStart:
    """Open a payment of an order through a provider, or return the one already pending.

    Idempotent per (order, provider): a partial unique index allows one pending payment
    per pair, so a double click or a retried request gets the same payment back.
    `new_order`: the order was created in the caller's open transaction, so it has no
    payment yet and none is looked for.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidPayment("The amount to pay must be a whole number of fen above zero")
    if not _CURRENCY.match(currency):
        raise InvalidPayment("The currency must be a three-letter code such as CNY")
    chosen = get_provider(provider)
    outermost = current_engine().current_transaction.get() is None
    try:
        return await _open_payment(
            chosen, order_id, order_number, amount, currency, provider, customer_id, new_order
        )
    except Exception as error:
        # Two requests opening the same payment at once on PostgreSQL: the loser trips the
        # partial unique index once the winner commits, and gets the winner's payment.
        # Inside a caller's transaction that transaction is spoilt, so the error stands.
        if not outermost or not is_unique_violation(error):
            raise
        pending = await _pending(order_id, provider)
        if pending is None or pending["amount"] != amount:
            raise
        return PaymentStart(
            pending["id"], provider, PaymentStatus.PENDING, pending["pay_url"] or None
        )


async def _pending(order_id: int, provider: str) -> dict | None:
    return (
        await Payment.select()
        .where(
            (Payment.order_id == order_id)
            & (Payment.provider == provider)
            & (Payment.status == PaymentStatus.PENDING)
        )
        .first()
    )


async def _open_payment(
    chosen: PaymentProvider,
    order_id: int,
    order_number: str,
    amount: int,
    currency: str,
    provider: str,
    customer_id: int | None,
    new_order: bool,
) -> PaymentStart:
    async with write_transaction():
        pending = None if new_order else await _pending(order_id, provider)
        if pending is not None:
            if pending["amount"] != amount or pending["currency"] != currency:
                raise PaymentConflict(
                    "A payment of a different amount is already open for order {number}",
                    number=order_number,
                )
            return PaymentStart(
                payment_id=pending["id"],
                provider=provider,
                status=PaymentStatus.PENDING,
                pay_url=pending["pay_url"] or None,
            )
        if not new_order and await Payment.exists().where(
            (Payment.order_id == order_id) & Payment.status.is_in(list(PAID_STATUSES))
        ):
            raise PaymentConflict("Order {number} is already paid", number=order_number)
        payment_id, opened = await insert_and_open(
            chosen,
            {
                "order_id": order_id,
                "order_number": order_number,
                "customer_id": customer_id,
                "provider": provider,
                "amount": amount,
                "currency": currency,
                "status": PaymentStatus.PENDING,
            },
        )
        if opened.pay_url or opened.provider_ref:  # paying at the counter opens nothing
            await record_opened(payment_id, opened)
    return PaymentStart(
        payment_id=payment_id,
        provider=provider,
        status=PaymentStatus.PENDING,
        pay_url=opened.pay_url,
    )


async def insert_and_open(
    chosen: PaymentProvider, row: dict[str, Any]
) -> tuple[int, ProviderStart]:
    """Insert the pending payment `row` and open it at `chosen` (inside a write transaction).

    The provider is sent the row's order id (0 when none), reference, amount and currency.
    """
    inserted = await insert_rows(Payment, [row], ids_only=True)
    payment_id: int = inserted[0]["id"]
    opened = await chosen.create(
        PaymentInfo(
            id=payment_id,
            order_id=row["order_id"] or 0,
            order_number=row["order_number"],
            amount=row["amount"],
            currency=row["currency"],
            method="",
            provider_ref="",
        )
    )
    return payment_id, opened


async def record_opened(payment_id: int, opened: ProviderStart) -> None:
    """Keep where to pay and the provider's reference of an opened payment."""
    await Payment.update(
        {
            Payment.pay_url: opened.pay_url or "",
            Payment.provider_ref: opened.provider_ref,
            Payment.updated_at: _now(),
        }
    ).where(Payment.id == payment_id)
