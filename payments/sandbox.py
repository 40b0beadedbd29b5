"""The sandbox provider's own side: its cashier and the callbacks its server would send.

The hosted pay page uses it to deliver results, and tests and developers use it to send
the webhook a callback that passes verification (or, with another key or an old
timestamp, one that must not). The sandbox exists only where `Settings.sandbox_payments`
is on: elsewhere every function that acts for a consumer answers "not found".
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from payments.errors import InvalidPayment, PaymentConflict, ProviderNotFound
from payments.providers import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SandboxProvider,
    provider_names,
    sandbox_secret,
    sandbox_signature,
)
from payments.service import PaymentView, customer_payment

#: The sandbox's registry name, also the path segment of its webhook and pay page.
SANDBOX = SandboxProvider.name
#: What a consumer can choose on the sandbox pay page.
OUTCOMES = ("succeeded", "failed")


def sign_callback(
    event: dict[str, Any], *, secret: bytes | None = None, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of a signed sandbox callback carrying `event`.

    `event` holds payment_id, amount, currency and status; an event_id is added when
    missing. `secret` and `timestamp` default to the configured key and now.
    """
    payload = {"event_id": f"evt_{uuid.uuid4().hex}", **event}
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    sent_at = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: sent_at,
        SIGNATURE_HEADER: sandbox_signature(secret or sandbox_secret(), sent_at, body),
    }
    return body, headers


def require_sandbox() -> None:
    """Raise ProviderNotFound (404) unless this server runs the sandbox provider."""
    if SANDBOX not in provider_names():
        raise ProviderNotFound("Sandbox payments are not enabled on this server (development only)")


async def sandbox_payment(payment_id: int, customer_id: int) -> PaymentView:
    """A consumer's own payment, as the sandbox pay page shows it."""
    require_sandbox()
    return await customer_payment(payment_id, customer_id)


async def sign_consumer_result(
    payment_id: int, customer_id: int, outcome: str
) -> tuple[bytes, dict[str, str]]:
    """Act as the sandbox cashier: the signed callback of the consumer's chosen result.

    Only the consumer's own pending sandbox payment can be paid (or failed) this way.
    """
    require_sandbox()
    if outcome not in OUTCOMES:
        raise InvalidPayment("Choose whether the payment succeeds or fails")
    payment = await customer_payment(payment_id, customer_id)
    if payment.provider != SANDBOX:
        raise InvalidPayment("This payment is not made through the sandbox")
    if payment.status != "pending":
        raise PaymentConflict("This payment is no longer waiting to be paid")
    return sign_callback(
        {
            "payment_id": payment.id,
            "amount": payment.amount,
            "currency": payment.currency,
            "status": outcome,
        }
    )
