"""Kinds, return methods and states of an after-sales request (they equal the stored strings)."""

from __future__ import annotations

from enum import StrEnum


class RequestKind(StrEnum):
    """What the consumer asks for."""

    REFUND_ONLY = "refund_only"
    RETURN_REFUND = "return_refund"
    EXCHANGE = "exchange"


class ReturnMethod(StrEnum):
    """How the goods come back (none for a refund only)."""

    NONE = "none"
    PARCEL = "parcel"
    STORE = "store"


class RequestStatus(StrEnum):
    """Where a request stands."""

    #: Waiting for the supplier's answer (until `answer_deadline`).
    REQUESTED = "requested"
    #: Approved: waiting for the goods (parcel or store).
    APPROVED = "approved"
    #: The supplier offers a partial refund; the consumer accepts or escalates.
    OFFERED = "offered"
    REJECTED = "rejected"
    #: Waiting for the operator: the supplier did not answer, or the consumer disputes.
    ESCALATED = "escalated"
    DISPUTED = "disputed"
    REFUNDED = "refunded"
    EXCHANGED = "exchanged"
    #: The operator upheld the supplier's rejection.
    CLOSED = "closed"


#: States in which the request still waits for someone.
OPEN_STATUSES = (
    RequestStatus.REQUESTED,
    RequestStatus.APPROVED,
    RequestStatus.OFFERED,
    RequestStatus.REJECTED,
    RequestStatus.ESCALATED,
    RequestStatus.DISPUTED,
)
#: States the operator rules on.
OPERATOR_STATUSES = (RequestStatus.ESCALATED, RequestStatus.DISPUTED)


class Decision(StrEnum):
    """A supplier's answer."""

    APPROVE = "approve"
    REJECT = "reject"
    PARTIAL = "partial"


class Ruling(StrEnum):
    """The operator's ruling on a dispute."""

    FULL = "full"
    PARTIAL = "partial"
    UPHOLD = "uphold"
