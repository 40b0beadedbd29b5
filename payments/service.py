"""Payments of orders: start one, confirm it offline or by a signed callback, refund it.

The one entry point for each rule of money coming in and going out, one module per job:
`starting`, `offline`, `callbacks`, `refunds`, `reads` (values in `records`). Orders live
in `fulfilment`, which calls these services; payments never imports fulfilment.
"""

from payments.callbacks import handle_webhook
from payments.offline import confirm_offline_payment, void_offline_payment
from payments.reads import customer_payment, get_payment, payments_for_order
from payments.records import (
    PaymentResult,
    PaymentStart,
    PaymentView,
    RefundResult,
    RefundView,
    ResultHook,
)
from payments.refunds import refund_order_payments
from payments.starting import start_payment
from payments.statuses import OFFLINE_METHODS, PAID_STATUSES

__all__ = [
    "OFFLINE_METHODS",
    "PAID_STATUSES",
    "PaymentResult",
    "PaymentStart",
    "PaymentView",
    "RefundResult",
    "RefundView",
    "ResultHook",
    "confirm_offline_payment",
    "customer_payment",
    "get_payment",
    "handle_webhook",
    "payments_for_order",
    "refund_order_payments",
    "start_payment",
    "void_offline_payment",
]
