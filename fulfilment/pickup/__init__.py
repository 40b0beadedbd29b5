"""Store pickup: the queue, preparing, ready (with a code), scanning and handing over.

Every rule of the counter is one function, called by the POS pages, the POS API and the
tests: `pickup_queue` (`queue`), `mark_preparing` and `mark_ready` (`staff_moves`), `scan`
(`scan`), `hand_over` and `cancel_pickup_lines` (`handover`); the consumer's code and pickup
day are in `consumer`. This package re-exports them, so callers import from here.
"""

from fulfilment.pickup.consumer import (
    PickupCode,
    PickupDays,
    choose_pickup_day,
    consumer_pickup_code,
    pickup_days,
    pickup_token,
)
from fulfilment.pickup.handover import HandedOver, cancel_pickup_lines, hand_over
from fulfilment.pickup.queue import (
    COUNTER_METHODS,
    EXPIRING_SOON,
    OPEN_STATES,
    AlreadyCollected,
    NotHandOverable,
    PickupLine,
    PickupTicket,
    ScanResult,
    key_ring,
    mask_phone,
    pickup_queue,
    ticket,
)
from fulfilment.pickup.scan import scan
from fulfilment.pickup.staff_moves import ReadyPickup, mark_preparing, mark_ready

__all__ = [
    "COUNTER_METHODS",
    "EXPIRING_SOON",
    "OPEN_STATES",
    "AlreadyCollected",
    "HandedOver",
    "NotHandOverable",
    "PickupCode",
    "PickupDays",
    "PickupLine",
    "PickupTicket",
    "ReadyPickup",
    "ScanResult",
    "cancel_pickup_lines",
    "choose_pickup_day",
    "consumer_pickup_code",
    "hand_over",
    "key_ring",
    "mark_preparing",
    "mark_ready",
    "mask_phone",
    "pickup_days",
    "pickup_queue",
    "pickup_token",
    "scan",
    "ticket",
]
