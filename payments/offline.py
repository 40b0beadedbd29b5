"""Money taken by hand (in store at the POS, or cash on delivery), recorded as paid."""

from __future__ import annotations

from core.database import write_transaction
from payments.errors import (
    InvalidPayment,
    PaymentConflict,
)
from payments.providers import (
    OFFLINE_METHODS,
)
from payments.records import (
    PAID_STATUSES,
    PaymentResult,
    _is_offline,
    _now,
)
from payments.tables import Payment


async def confirm_offline_payment(
    *, order_id: int, method: str, actor_id: int | None
) -> PaymentResult:
    """Record money taken by hand (in store at the POS, or cash on delivery) as paid.

    One conditional UPDATE from pending, so two staff confirming at once count it once;
    confirming an order already paid offline returns its payment with `newly_changed`
    False.
    """
    if method not in OFFLINE_METHODS:
        raise InvalidPayment(
            "Payment method {method} is not one of cash, card or qr", method=method
        )
    async with write_transaction():
        rows = await Payment.select().where(Payment.order_id == order_id).order_by(Payment.id)
        offline = [row for row in rows if _is_offline(row["provider"])]
        pending = [row for row in offline if row["status"] == "pending"]
        if not pending:
            paid = [row for row in offline if row["status"] in PAID_STATUSES]
            if paid:
                return PaymentResult(paid[-1]["id"], order_id, "succeeded", newly_changed=False)
            raise PaymentConflict("Order {order_id} has no payment to collect", order_id=order_id)
        payment = pending[-1]
        changed = (
            await Payment.update(
                {
                    Payment.status: "succeeded",
                    Payment.method: method,
                    Payment.confirmed_by: actor_id,
                    Payment.updated_at: _now(),
                }
            )
            .where((Payment.id == payment["id"]) & (Payment.status == "pending"))
            .returning(Payment.id)
        )
    return PaymentResult(payment["id"], order_id, "succeeded", newly_changed=bool(changed))
