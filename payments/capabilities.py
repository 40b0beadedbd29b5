"""What a real provider can do beyond the base interface, and the values it answers with.

`payments.providers.PaymentProvider` is what every provider does (open, verify a callback,
refund). Online cashiers add some of these; services test for them with `isinstance`:

- `HostedCheckout`: send the consumer to the provider's cashier, or show its QR code;
- `TradeQuerying`: ask the provider what became of a payment (a lost callback) and of a
  refund;
- `StatementSource`: the provider's statement of one day, for reconciliation;
- `RefundNotifying`: the provider posts the result of a refund to a notify URL.

Payments are named to providers by their reference (`out_trade_no`), built from the
payment id here, so an adapter needs nothing but the payment row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Protocol, runtime_checkable

from payments.errors import InvalidSignature
from payments.providers import PaymentInfo

#: The platform's reference of a payment at every provider (out_trade_no): 6 to 32 ASCII.
_REFERENCE = re.compile(r"^KQP(\d{10,19})$")
#: Payment ids are 32-bit serials: a larger number names no payment of ours.
_MAX_ID = 2**31 - 1


def payment_reference(payment_id: int) -> str:
    """The out_trade_no a payment is known by at the provider."""
    return f"KQP{payment_id:010d}"


def payment_id_of(reference: str) -> int | None:
    """The payment id inside a reference, or None when it is not one of ours."""
    found = _REFERENCE.match(reference or "")
    if not found or int(found.group(1)) > _MAX_ID:
        return None
    return int(found.group(1))


def refund_reference(payment: PaymentInfo) -> str:
    """The out_request_no / out_refund_no of the payment's next refund.

    Named by the fen refunded before it, so it is deterministic: a refund retried after a
    lost answer is the same refund to the provider, which then pays it once.
    """
    return f"{payment_reference(payment.id)}R{payment.refunded_amount}"


def yuan(fen: int) -> str:
    """Fen as the yuan text Alipay takes ("12.30")."""
    return f"{fen // 100}.{fen % 100:02d}"


def fen_of(text: str) -> int:
    """Yuan text from a provider as whole fen; raises InvalidSignature when malformed."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise InvalidSignature("The provider's amount is not a number") from None
    fen = value * 100
    if not value.is_finite() or fen != fen.to_integral_value():
        raise InvalidSignature("The provider's amount is not a number of fen")
    return int(fen)


def subject_of(payment: PaymentInfo) -> str:
    """What the provider's cashier shows the consumer."""
    return (payment.subject or f"快取订单 {payment.order_number}")[:120]


@dataclass(frozen=True, slots=True)
class PayAction:
    """Where the consumer goes to pay: a URL to open, or a QR code to scan."""

    #: redirect | qr
    kind: str
    url: str


@dataclass(frozen=True, slots=True)
class TradeState:
    """The provider's word on a payment (a trade query)."""

    #: succeeded | pending | failed | unknown (the provider has no such trade)
    status: str
    amount: int
    currency: str
    provider_ref: str
    method: str = "online"


@dataclass(frozen=True, slots=True)
class RefundState:
    """The provider's word on one refund."""

    #: succeeded | processing | failed | unknown
    status: str
    amount: int


@dataclass(frozen=True, slots=True)
class RefundEvent:
    """A verified refund result notification."""

    #: The provider's id of the notification, prefixed with the provider's name.
    event_id: str
    payment_id: int
    #: The refund's own reference (out_refund_no).
    reference: str
    #: succeeded | failed
    status: str
    #: Fen refunded, as the provider says.
    amount: int


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of a provider's daily statement."""

    #: payment | refund
    kind: str
    #: The platform's reference (out_trade_no) the line is for.
    reference: str
    #: The provider's own number (trade_no / transaction_id).
    provider_ref: str
    #: Amount in fen (positive for refunds too).
    amount: int
    #: For refunds: the refund's own reference (out_request_no / out_refund_no).
    refund_reference: str = ""
    #: The provider's status word, as printed.
    status: str = ""


@runtime_checkable
class HostedCheckout(Protocol):
    """A provider with its own cashier: a page to open or a code to scan."""

    #: The ways it can be paid (`page`, `wap`, `native`, `h5`), the first the default.
    modes: ClassVar[tuple[str, ...]]
    #: Modes for phones, chosen when the browser says it is one.
    mobile_modes: ClassVar[tuple[str, ...]]

    async def pay_action(
        self, payment: PaymentInfo, *, mode: str, client_ip: str, return_url: str
    ) -> PayAction:
        """Where the consumer pays `payment` in `mode`."""
        ...


@runtime_checkable
class TradeQuerying(Protocol):
    """A provider that answers what became of a payment and of a refund."""

    async def query_trade(self, payment: PaymentInfo) -> TradeState:
        """The provider's state of the payment (its callback may have been lost)."""
        ...

    async def query_refund(self, payment: PaymentInfo, reference: str) -> RefundState:
        """The provider's state of the refund called `reference`."""
        ...


@runtime_checkable
class StatementSource(Protocol):
    """A provider that publishes a statement (bill) per day."""

    async def statement(self, day: date) -> list[StatementLine]:
        """Every payment and refund of `day` (the provider's day, China time)."""
        ...


@runtime_checkable
class RefundNotifying(Protocol):
    """A provider that posts each refund's result to the platform (a refund notify URL)."""

    def verify_refund_callback(self, body: bytes, headers: Mapping[str, str]) -> RefundEvent:
        """Verify a refund notification like a payment callback; raises InvalidSignature."""
        ...
