"""The one order model's services: place, pay, cancel, confirm receipt (online and POS).

Placing is in `fulfilment.placing`, everything after it in `fulfilment.order_lifecycle`;
this module re-exports both so callers import from one place.
"""

from fulfilment.order_lifecycle import (
    STAFF_ONLY_EVENTS,
    after_fulfilment_settled,
    cancel_order,
    confirm_receipt,
    customer_order,
    mark_order_paid,
    mark_payment_failed,
    restart_payment,
)
from fulfilment.placing import (
    AUTO_CONFIRM_DAYS,
    CHANNELS,
    PlacedOrder,
    PlaceOrder,
    order_number,
    place_order,
)

__all__ = [
    "AUTO_CONFIRM_DAYS",
    "CHANNELS",
    "STAFF_ONLY_EVENTS",
    "PlaceOrder",
    "PlacedOrder",
    "after_fulfilment_settled",
    "cancel_order",
    "confirm_receipt",
    "customer_order",
    "mark_order_paid",
    "mark_payment_failed",
    "order_number",
    "place_order",
    "restart_payment",
]
