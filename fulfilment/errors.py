"""Errors of the fulfilment domain: orders, carts, checkout and state moves."""

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class OrderNotFound(NotFound):
    """No such order, or not one this person may see."""

    code = "order_not_found"


class FulfilmentNotFound(NotFound):
    """No such fulfilment, or not one this person may see."""

    code = "fulfilment_not_found"


class InvalidOrder(InvalidInput):
    """The order or checkout request breaks a rule about its own content."""

    code = "invalid_order"


class IllegalTransition(Conflict):
    """A state move the state machine does not allow from the current state."""

    code = "illegal_transition"


class OrderNotPayable(Conflict):
    """The order is no longer waiting for payment (e.g. cancelled); the caller refunds."""

    code = "order_not_payable"


class OutOfStock(Conflict):
    """Some lines cannot be had; `extra["lines"]` names each with requested and available."""

    code = "out_of_stock"


class CartQuantityUnavailable(Conflict):
    """More units asked for in the cart than can be had anywhere."""

    code = "cart_quantity_unavailable"


class InvalidPickupCode(InvalidInput):
    """A scanned or typed pickup code is unreadable, forged or altered."""

    code = "invalid_pickup_code"


class WrongPickupCode(PermissionDenied):
    """A handover came with a code that is not the code of that pickup."""

    code = "wrong_pickup_code"


class LineNotFound(NotFound):
    """No such line in the order."""

    code = "order_line_not_found"


class NotReceivedError(Conflict):
    """The consumer has not received the line yet, so cannot review it."""

    code = "not_received"


class IdempotencyKeyReused(InvalidInput):
    """The Idempotency-Key was used before for a different request."""

    status_code = 422
    code = "idempotency_key_reused"


class AddressNotFound(NotFound):
    """No such address in the consumer's address book."""

    code = "address_not_found"
