"""Money taken by hand (in store at the POS, or cash on delivery), recorded as paid."""

from __future__ import annotations

from core.database import write_transaction
from payments.errors import InvalidPayment, PaymentConflict
from payments.records import PaymentResult, _is_offline, _now
from payments.statuses import OFFLINE_METHODS, PAID_STATUSES, PaymentStatus
from payments.tables import Payment


async def confirm_offline_payment(
    *, order_id: int, method: str, actor_id: int | None, amount: int | None = None
) -> PaymentResult:
    """Record money taken by hand (in store at the POS, or cash on delivery) as paid.

    One conditional UPDATE from pending, so two staff confirming at once count it once;
    confirming an order already paid offline returns its payment with `newly_changed`
    False. `amount`: the fen actually collected when it is less than the payment's (cash on
    delivery of an order whose other parcels were refused); the payment records that.
    """
    if method not in OFFLINE_METHODS:
        raise InvalidPayment(
            "Payment method {method} is not one of cash, card or qr", method=method
        )
    async with write_transaction():
        rows = await Payment.select().where(Payment.order_id == order_id).order_by(Payment.id)
        offline = [row for row in rows if _is_offline(row["provider"])]
        pending = [row for row in offline if row["status"] == PaymentStatus.PENDING]
        if not pending:
            paid = [row for row in offline if row["status"] in PAID_STATUSES]
            if paid:
                return PaymentResult(
                    paid[-1]["id"], order_id, PaymentStatus.SUCCEEDED, newly_changed=False
                )
            raise PaymentConflict("Order {order_id} has no payment to collect", order_id=order_id)
        payment = pending[-1]
        if amount is not None and not 0 < amount <= payment["amount"]:
            raise InvalidPayment(
                "The amount collected must be above zero and at most {amount} fen",
                amount=payment["amount"],
            )
        changed = (
            await Payment.update(
                {
                    Payment.amount: payment["amount"] if amount is None else amount,
                    Payment.status: PaymentStatus.SUCCEEDED,
                    Payment.method: method,
                    Payment.confirmed_by: actor_id,
                    Payment.updated_at: _now(),
                }
            )
            .where((Payment.id == payment["id"]) & (Payment.status == PaymentStatus.PENDING))
            .returning(Payment.id)
        )
    return PaymentResult(
        payment["id"], order_id, PaymentStatus.SUCCEEDED, newly_changed=bool(changed)
    )


async def void_offline_payment(*, order_id: int) -> None:
    """Nothing was collected (every parcel refused): the pending offline payment failed."""
    async with write_transaction():
        rows = await Payment.select().where(
            (Payment.order_id == order_id) & (Payment.status == PaymentStatus.PENDING)
        )
        ids = [row["id"] for row in rows if _is_offline(row["provider"])]
        if ids:
            await Payment.update(
                {Payment.status: PaymentStatus.FAILED, Payment.updated_at: _now()}
            ).where(Payment.id.is_in(ids) & (Payment.status == PaymentStatus.PENDING))
