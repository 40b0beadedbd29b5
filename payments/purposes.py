"""What a payment is for, and who hears when one not tied to an order is paid.

An order's payment is moved on by the hook its caller passes (`fulfilment.payment_events`).
Other purposes (a supplier's entry fee or deposit) belong to packages above payments, which
payments never imports: such a package registers a handler for its purpose here, once, at
import, and a verified callback is routed to it inside the callback's transaction.
"""

from __future__ import annotations

from enum import StrEnum

from payments.records import ResultHook


class PaymentPurpose(StrEnum):
    """What the money is for; stored on the payment."""

    ORDER = "order"
    ENTRY_FEE = "entry_fee"
    DEPOSIT = "deposit"


_HANDLERS: dict[str, ResultHook] = {}


def register_purpose_handler(purpose: PaymentPurpose, handler: ResultHook) -> None:
    """Have `handler` hear every settled payment of `purpose` (not for orders)."""
    if purpose == PaymentPurpose.ORDER:
        raise ValueError("Order payments are moved on by the callback's own hook")
    _HANDLERS[purpose] = handler


def purpose_handler(purpose: str) -> ResultHook | None:
    """The handler registered for a purpose other than orders, if any."""
    return _HANDLERS.get(purpose)
