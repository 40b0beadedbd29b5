"""The words of orders: statuses, fulfilment methods and sales channels.

StrEnums: a member compares equal to the string stored in the database and sent as JSON,
so columns, API bodies and templates keep their plain values while code names them once.
The allowed moves between statuses are in `fulfilment.state_machine`.
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    """Where an order is: pending_payment → paid → completed, or cancelled."""

    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class FulfilmentStatus(StrEnum):
    """Where one location's share of an order is (pickup and delivery states)."""

    ALLOCATED = "allocated"
    PREPARING = "preparing"
    READY_FOR_PICKUP = "ready_for_pickup"
    COLLECTED = "collected"
    EXPIRED = "expired"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    #: The consumer refused a cash-on-delivery parcel at the door; its stock came back.
    REFUSED = "refused"
    CANCELLED = "cancelled"


class FulfilmentMethod(StrEnum):
    """How the consumer gets the goods."""

    PICKUP = "pickup"
    DELIVERY = "delivery"


class Channel(StrEnum):
    """Where an order was placed: the storefront or a store's counter (POS)."""

    ONLINE = "online"
    POS = "pos"
