"""The words of payments: payment and refund statuses, and how money was taken.

StrEnums: a member compares equal to the string stored in the database and sent as JSON.
"""

from __future__ import annotations

from enum import StrEnum


class PaymentStatus(StrEnum):
    """Where a payment is."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class RefundStatus(StrEnum):
    """What became of a refund: paid back by the provider, or to be paid at the counter."""

    SUCCEEDED = "succeeded"
    TO_PAY_AT_COUNTER = "to_pay_at_counter"
    #: Accepted by the provider, money not yet back (WeChat Pay; `kuaiqu payments sync`).
    PROCESSING = "processing"
    #: The provider gave up on it (closed or abnormal): staff must pay it back another way.
    FAILED = "failed"


class PaymentMethod(StrEnum):
    """How the money was taken: online through a provider, or by hand."""

    ONLINE = "online"
    CASH = "cash"
    CARD = "card"
    QR = "qr"


#: Ways money is taken at a counter or on the doorstep.
OFFLINE_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.QR)
#: Statuses of a payment whose money the platform holds (some of it may be refunded).
PAID_STATUSES = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED)
