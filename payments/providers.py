"""Payment providers behind one interface, and the registry that finds them by name.

A provider turns a payment into something the consumer can pay (`create`), proves that a
callback really came from it (`verify_callback`) and gives money back (`refund`). The
services in `payments.service` own the tables and the rules; providers only talk to the
outside world, so a real Alipay or WeChat Pay class plugs in beside the sandbox one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Protocol

from core.settings import get_settings
from payments.errors import InvalidSignature, ProviderNotFound
from payments.statuses import PaymentStatus, RefundStatus

#: Callbacks older (or further in the future) than this are refused as replays.
SANDBOX_MAX_AGE_S = 300
SIGNATURE_HEADER = "X-Sandbox-Signature"
TIMESTAMP_HEADER = "X-Sandbox-Timestamp"


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    """What a provider needs to know about a payment."""

    id: int
    order_id: int
    order_number: str
    amount: int
    currency: str
    method: str
    provider_ref: str
    #: What the consumer is paying for, as the provider's cashier shows it; empty: the
    #: adapter names the order number.
    subject: str = ""
    #: Fen refunded before now (names the next refund to the provider).
    refunded_amount: int = 0


@dataclass(frozen=True, slots=True)
class ProviderStart:
    """How the consumer pays: a hosted page to open (or none, collected later)."""

    pay_url: str | None
    provider_ref: str


@dataclass(frozen=True, slots=True)
class CallbackEvent:
    """A verified callback: the provider says this payment succeeded or failed."""

    event_id: str
    payment_id: int
    amount: int
    currency: str
    #: succeeded | failed
    status: str
    provider_ref: str
    #: How the money was taken (online, or card where the provider's cashier says so).
    method: str = "online"


@dataclass(frozen=True, slots=True)
class ProviderRefund:
    """What became of a refund: paid back by the provider, or to be paid at the counter."""

    #: succeeded | to_pay_at_counter
    status: str
    provider_ref: str


class PaymentProvider(Protocol):
    """The interface every provider implements."""

    #: Registry name, also the path segment of its webhook.
    name: ClassVar[str]
    #: Whether it sends signed callbacks to `/api/payments/{name}/webhook`.
    accepts_callbacks: ClassVar[bool]
    #: Whether staff or a courier confirm the payment by hand (`confirm_offline_payment`).
    offline: ClassVar[bool]
    #: How the consumer receives the goods when paying this way (pickup, delivery).
    serves: ClassVar[frozenset[str]]
    #: What the checkout calls this way of paying (an English message id, translated there).
    label: ClassVar[str]
    #: Plain-text body a provider expects back for an accepted callback (Alipay: "success");
    #: empty: the JSON reply.
    callback_ack: ClassVar[str]

    async def create(self, payment: PaymentInfo) -> ProviderStart:
        """Open the payment at the provider; returns where the consumer pays."""
        ...

    def verify_callback(self, body: bytes, headers: Mapping[str, str]) -> CallbackEvent:
        """Check the signature of a raw callback and read it; raises InvalidSignature."""
        ...

    async def refund(self, payment: PaymentInfo, amount: int) -> ProviderRefund:
        """Give `amount` fen of the payment back."""
        ...


def _header(headers: Mapping[str, str], name: str) -> str:
    """A header by case-insensitive name ('' when absent)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""


def sandbox_secret() -> bytes:
    """The sandbox's signing key: `KUAIQU_SANDBOX_PAY_SECRET`, else derived from the secret key.

    Derived with HMAC under a fixed label, so the key that signs sessions never leaves the
    server as such, and every worker process derives the same one.
    """
    settings = get_settings()
    return _sandbox_secret(settings.sandbox_pay_secret, settings.secret_key)


@lru_cache(maxsize=4)
def _sandbox_secret(explicit: str, secret_key: str) -> bytes:
    if explicit:
        return explicit.encode()
    return hmac.new(secret_key.encode(), b"kuaiqu-sandbox-pay", hashlib.sha256).digest()


def sandbox_signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 hex of `timestamp.body`; the timestamp is signed so it cannot be moved."""
    return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class SandboxProvider:
    """A stand-in online provider with a hosted pay page and signed callbacks.

    It behaves like Alipay or WeChat Pay towards the platform: the consumer is sent to its
    page, and the result arrives as a callback signed with HMAC-SHA256 over the timestamp
    and the raw body, which the platform verifies before believing a word of it.
    """

    name: ClassVar[str] = "sandbox"
    accepts_callbacks: ClassVar[bool] = True
    offline: ClassVar[bool] = False
    serves: ClassVar[frozenset[str]] = frozenset({"pickup", "delivery"})
    label: ClassVar[str] = "Pay online now"
    callback_ack: ClassVar[str] = ""

    def __init__(self, secret: bytes | None = None, max_age_s: int = SANDBOX_MAX_AGE_S) -> None:
        self._secret = secret
        self.max_age_s = max_age_s

    @property
    def secret(self) -> bytes:
        """The signing key (the configured one unless given)."""
        return self._secret or sandbox_secret()

    async def create(self, payment: PaymentInfo) -> ProviderStart:
        """The hosted pay page of the payment."""
        return ProviderStart(
            pay_url=f"/pay/sandbox/{payment.id}", provider_ref=f"SBX{payment.id:010d}"
        )

    def verify_callback(
        self, body: bytes, headers: Mapping[str, str], *, now: float | None = None
    ) -> CallbackEvent:
        """Check signature and age, then read the event fields."""
        signature = _header(headers, SIGNATURE_HEADER)
        timestamp = _header(headers, TIMESTAMP_HEADER)
        if not signature or not timestamp:
            raise InvalidSignature("The payment callback is not signed")
        expected = sandbox_signature(self.secret, timestamp, body)
        if not hmac.compare_digest(expected, signature):
            raise InvalidSignature("The payment callback signature is not valid")
        try:
            sent_at = int(timestamp)
        except ValueError:
            raise InvalidSignature("The payment callback signature is not valid") from None
        current = time.time() if now is None else now
        if abs(current - sent_at) > self.max_age_s:
            raise InvalidSignature(
                "The payment callback is more than five minutes old or dated ahead"
            )
        try:
            data = json.loads(body)
            event = CallbackEvent(
                event_id=str(data["event_id"]),
                payment_id=int(data["payment_id"]),
                amount=int(data["amount"]),
                currency=str(data["currency"]),
                status=str(data["status"]),
                provider_ref=str(data.get("provider_ref", "")),
            )
        except (ValueError, KeyError, TypeError):
            raise InvalidSignature("The payment callback is not in the expected form") from None
        if (
            event.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED)
            or not event.event_id
        ):
            raise InvalidSignature("The payment callback is not in the expected form")
        return event

    async def refund(self, payment: PaymentInfo, amount: int) -> ProviderRefund:
        """Sandbox refunds succeed at once."""
        return ProviderRefund(
            status=RefundStatus.SUCCEEDED, provider_ref=f"SBXR{payment.id:010d}-{time.time_ns()}"
        )


class _OfflineProvider:
    """Money taken by hand later: no pay page, no callbacks, refunds paid by staff."""

    accepts_callbacks: ClassVar[bool] = False
    offline: ClassVar[bool] = True
    callback_ack: ClassVar[str] = ""

    async def create(self, payment: PaymentInfo) -> ProviderStart:
        """Nothing to open: the money is collected later."""
        return ProviderStart(pay_url=None, provider_ref="")

    def verify_callback(self, body: bytes, headers: Mapping[str, str]) -> CallbackEvent:
        """Offline providers send no callbacks; anything claiming to be one is refused."""
        raise InvalidSignature("This payment method sends no callbacks")

    async def refund(self, payment: PaymentInfo, amount: int) -> ProviderRefund:
        """Recorded for staff to hand back at the counter."""
        return ProviderRefund(status=RefundStatus.TO_PAY_AT_COUNTER, provider_ref="")


class InStoreProvider(_OfflineProvider):
    """Pay at the store when picking up: cash, card or QR, taken at the POS."""

    name: ClassVar[str] = "in_store"
    serves: ClassVar[frozenset[str]] = frozenset({"pickup"})
    label: ClassVar[str] = "Pay at the store when collecting"


class CashOnDeliveryProvider(_OfflineProvider):
    """Pay the courier on delivery (货到付款)."""

    name: ClassVar[str] = "cod"
    serves: ClassVar[frozenset[str]] = frozenset({"delivery"})
    label: ClassVar[str] = "Cash on delivery"


_REGISTRY: dict[str, PaymentProvider] = {}
#: Providers for development only, registered while `Settings.sandbox_payments` is on: the
#: sandbox lets anyone logged in mark their own order paid without any money moving.
_DEVELOPMENT: dict[str, PaymentProvider] = {SandboxProvider.name: SandboxProvider()}


def register_provider(provider: PaymentProvider) -> None:
    """Make a provider available by its name (a real provider registers itself here)."""
    _REGISTRY[provider.name] = provider


def registered_providers() -> dict[str, PaymentProvider]:
    """Every provider this process accepts, by name (the sandbox only when configured).

    Real providers (Alipay, WeChat Pay) are plug-ins built from their settings by
    `payments.plugins`: configured, they are offered; unconfigured, they do not exist.
    """
    from payments.plugins import configured_providers  # plug-ins import this module

    found = dict(_REGISTRY)
    for name, provider in configured_providers(get_settings()).items():
        found.setdefault(name, provider)
    if get_settings().sandbox_payments:
        for name, provider in _DEVELOPMENT.items():
            found.setdefault(name, provider)
    return found


def get_provider(name: str) -> PaymentProvider:
    """The provider called `name`; raises ProviderNotFound (also for a switched-off sandbox)."""
    try:
        return registered_providers()[name]
    except KeyError:
        raise ProviderNotFound("No payment provider called {name}", name=name) from None


def provider_names() -> list[str]:
    """Names of the registered providers."""
    return sorted(registered_providers())


def offline_provider_names() -> list[str]:
    """Names of the providers whose money staff or a courier collect by hand."""
    return sorted(name for name, p in registered_providers().items() if p.offline)


def pays_offline(name: str) -> bool:
    """Whether `name` is a registered provider whose money is collected by hand later."""
    provider = registered_providers().get(name)
    return provider is not None and provider.offline


def pays_online(name: str) -> bool:
    """Whether `name` is a registered provider the consumer pays through online."""
    provider = registered_providers().get(name)
    return provider is not None and not provider.offline


def providers_serving(method: str) -> list[PaymentProvider]:
    """The registered providers a consumer can choose for `method` (pickup or delivery).

    Online providers come first, so a checkout's first choice is to pay now.
    """
    found = [p for p in registered_providers().values() if method in p.serves]
    return sorted(found, key=lambda p: (p.offline, p.name))


for _provider in (InStoreProvider(), CashOnDeliveryProvider()):
    register_provider(_provider)
