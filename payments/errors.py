"""Errors of the payments domain."""

from core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied


class ProviderNotFound(NotFound):
    """No payment provider of that name (or it takes no callbacks)."""

    code = "unknown_provider"


class PaymentNotFound(NotFound):
    """No payment with that id."""

    code = "payment_not_found"


class RefundNotFound(NotFound):
    """No refund of ours by that reference (a refund notification we cannot place)."""

    code = "refund_not_found"


class InvalidSignature(InvalidInput):
    """A callback's signature is missing, wrong or too old: it was not sent by the provider."""

    code = "invalid_signature"


class InvalidCallback(InvalidInput):
    """A callback names an amount or currency other than the payment's own."""

    code = "payment_mismatch"


class InvalidPayment(InvalidInput):
    """A payment request breaks a rule about its own content (amount, method, provider)."""

    code = "invalid_payment"


class PaymentConflict(Conflict):
    """The payment is not in a state that allows this (already paid, nothing pending)."""

    code = "payment_conflict"


class PaymentAccessDenied(PermissionDenied):
    """The payment belongs to another customer."""

    code = "not_your_payment"


class ProviderUnavailable(DomainError):
    """The payment provider could not be reached or refused the request (502)."""

    status_code = 502
    code = "provider_unavailable"
