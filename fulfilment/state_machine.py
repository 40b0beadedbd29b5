"""The one table of allowed state moves of orders and fulfilments.

Every service that changes a status asks `check_move` first (and then updates with the old
state in its WHERE clause, so two racing moves cannot both win); anything not in the table
is refused with a 409 that names the current and the requested state.
"""

from __future__ import annotations

from fulfilment.errors import IllegalTransition
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus

#: Order: pending_payment → paid → completed; cancelled from pending_payment, or from paid
#: with a refund.
ORDER_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
        (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED),
        (OrderStatus.PAID, OrderStatus.COMPLETED),
        (OrderStatus.PAID, OrderStatus.CANCELLED),
    }
)

#: Fulfilment moves per method.
FULFILMENT_MOVES: dict[str, frozenset[tuple[str, str]]] = {
    FulfilmentMethod.PICKUP: frozenset(
        {
            (FulfilmentStatus.ALLOCATED, FulfilmentStatus.PREPARING),
            (FulfilmentStatus.ALLOCATED, FulfilmentStatus.READY_FOR_PICKUP),
            (FulfilmentStatus.PREPARING, FulfilmentStatus.READY_FOR_PICKUP),
            (FulfilmentStatus.READY_FOR_PICKUP, FulfilmentStatus.COLLECTED),
            (FulfilmentStatus.READY_FOR_PICKUP, FulfilmentStatus.EXPIRED),
            (FulfilmentStatus.ALLOCATED, FulfilmentStatus.CANCELLED),
            (FulfilmentStatus.PREPARING, FulfilmentStatus.CANCELLED),
        }
    ),
    FulfilmentMethod.DELIVERY: frozenset(
        {
            (FulfilmentStatus.ALLOCATED, FulfilmentStatus.SHIPPED),
            (FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED),
            (FulfilmentStatus.SHIPPED, FulfilmentStatus.REFUSED),
            (FulfilmentStatus.ALLOCATED, FulfilmentStatus.CANCELLED),
        }
    ),
}

#: States a fulfilment never leaves.
FULFILMENT_FINAL = frozenset(
    {
        FulfilmentStatus.COLLECTED,
        FulfilmentStatus.EXPIRED,
        FulfilmentStatus.DELIVERED,
        FulfilmentStatus.REFUSED,
        FulfilmentStatus.CANCELLED,
    }
)
#: States an order never leaves.
ORDER_FINAL = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED})


def can_move_order(current: str, requested: str) -> bool:
    """Whether an order may move from `current` to `requested`."""
    return (current, requested) in ORDER_MOVES


def can_move_fulfilment(method: str, current: str, requested: str) -> bool:
    """Whether a fulfilment of `method` may move from `current` to `requested`."""
    return (current, requested) in FULFILMENT_MOVES.get(method, frozenset())


def check_order_move(current: str, requested: str) -> None:
    """Refuse an order move the table does not allow."""
    if not can_move_order(current, requested):
        raise IllegalTransition(
            "The order is {current} and cannot become {requested}",
            current=current,
            requested=requested,
        )


def check_fulfilment_move(method: str, current: str, requested: str) -> None:
    """Refuse a fulfilment move the table does not allow."""
    if not can_move_fulfilment(method, current, requested):
        raise IllegalTransition(
            "The {method} fulfilment is {current} and cannot become {requested}",
            method=method,
            current=current,
            requested=requested,
        )
