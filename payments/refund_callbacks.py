"""Refund result notifications: how a refund the provider was processing ended.

WeChat Pay posts REFUND.SUCCESS / ABNORMAL / CLOSED to the notify_url of each refund.

Verified exactly as payment callbacks are (the provider's `verify_refund_callback`),
recorded once by event id in the same table, and applied through `settle_refund`, the
function `kuaiqu payments sync` uses, so the two ways of learning a refund's end agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from core.database import write_transaction
from payments.callbacks import applied_once
from payments.capabilities import RefundEvent, RefundNotifying
from payments.errors import InvalidCallback, ProviderNotFound, RefundNotFound
from payments.providers import get_provider
from payments.refunds import settle_refund
from payments.tables import Payment, Refund, WebhookEvent


@dataclass(frozen=True, slots=True)
class RefundNotice:
    """A refund notification applied."""

    refund_id: int
    payment_id: int
    status: str
    #: False when the refund had already ended (sync got there first, or it never waited).
    newly_changed: bool


async def handle_refund_webhook(
    provider: str, body: bytes, headers: Mapping[str, str]
) -> RefundNotice | None:
    """Verify and apply a refund notification; None when this event was already handled.

    404 (RefundNotFound) when no refund of that payment has the reference: nothing is
    recorded, so the provider's retry is heard again.
    """
    chosen = get_provider(provider)
    if not isinstance(chosen, RefundNotifying):
        raise ProviderNotFound(
            "Payment provider {name} sends no refund notifications", name=provider
        )
    event = chosen.verify_refund_callback(body, headers)
    digest = hashlib.sha256(body).hexdigest()
    return await applied_once(event.event_id, lambda: _apply(provider, event, digest))


async def _apply(provider: str, event: RefundEvent, digest: str) -> RefundNotice | None:
    async with write_transaction():
        if await WebhookEvent.exists().where(WebhookEvent.event_id == event.event_id):
            return None
        payment = await (
            Payment.select(Payment.id)
            .where((Payment.id == event.payment_id) & (Payment.provider == provider))
            .first()
        )
        refund = None
        if payment is not None:
            refund = await (
                Refund.select(Refund.id, Refund.amount)
                .where((Refund.payment == payment["id"]) & (Refund.provider_ref == event.reference))
                .first()
            )
        if refund is None:
            raise RefundNotFound("No refund {reference}", reference=event.reference)
        if refund["amount"] != event.amount:
            raise InvalidCallback(
                "The refund notification is for {paid} fen, but the refund is for {amount} fen",
                paid=event.amount,
                amount=refund["amount"],
            )
        await WebhookEvent.insert(
            WebhookEvent(
                provider=provider,
                event_id=event.event_id,
                payment_id=event.payment_id,
                payload_digest=digest,
            )
        )
        changed = await settle_refund(refund["id"], event.status)
    return RefundNotice(
        refund_id=refund["id"],
        payment_id=event.payment_id,
        status=event.status,
        newly_changed=changed,
    )
