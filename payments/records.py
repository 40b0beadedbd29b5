"""What payment services return: payments, results and refunds as plain values."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from payments.errors import ProviderNotFound
from payments.providers import PaymentInfo, get_provider

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class PaymentStart:
    """A payment opened for an order, and where the consumer pays it."""

    payment_id: int
    provider: str
    status: str
    pay_url: str | None


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """The outcome of a confirmation or callback; `newly_changed` is False on repeats."""

    payment_id: int
    #: The order paid for; 0 for a payment of another purpose (see `purpose`).
    order_id: int
    #: succeeded | failed
    status: str
    newly_changed: bool
    #: order | entry_fee | deposit
    purpose: str = "order"
    #: The id the purpose names (a supplier), None for orders.
    subject_id: int | None = None


@dataclass(frozen=True, slots=True)
class RefundResult:
    """One refund issued from one payment."""

    refund_id: int
    payment_id: int
    provider: str
    amount: int
    currency: str
    #: succeeded | to_pay_at_counter
    status: str


@dataclass(frozen=True, slots=True)
class RefundView:
    """A refund as order pages show it."""

    id: int
    amount: int
    reason: str
    status: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PaymentView:
    """A payment as order pages and the pay page show it."""

    id: int
    #: The order paid for; 0 for a payment of another purpose.
    order_id: int
    order_number: str
    customer_id: int | None
    provider: str
    method: str
    amount: int
    refunded_amount: int
    currency: str
    status: str
    pay_url: str | None
    created_at: datetime
    updated_at: datetime
    refunds: list[RefundView] = field(default_factory=list)
    purpose: str = "order"
    subject_id: int | None = None


#: Called with a callback's result inside the callback's transaction (see handle_webhook).
ResultHook = Callable[[PaymentResult], Awaitable[None]]


def _now() -> datetime:
    return datetime.now(UTC)


def _info(row: dict) -> PaymentInfo:
    return PaymentInfo(
        id=row["id"],
        order_id=row["order_id"] or 0,
        order_number=row["order_number"],
        amount=row["amount"],
        currency=row["currency"],
        method=row["method"],
        provider_ref=row["provider_ref"],
        refunded_amount=row.get("refunded_amount", 0),
    )


def _view(row: dict, refunds: list[RefundView]) -> PaymentView:
    return PaymentView(
        id=row["id"],
        order_id=row["order_id"] or 0,
        order_number=row["order_number"],
        customer_id=row["customer_id"],
        provider=row["provider"],
        method=row["method"],
        amount=row["amount"],
        refunded_amount=row["refunded_amount"],
        currency=row["currency"],
        status=row["status"],
        pay_url=row["pay_url"] or None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        refunds=refunds,
        purpose=row["purpose"],
        subject_id=row["subject_id"],
    )


def _is_offline(provider: str) -> bool:
    try:
        return get_provider(provider).offline
    except ProviderNotFound:
        return False
