"""Provider callbacks (webhooks): verified, recorded once, applied with the caller's hook.

Payments never imports fulfilment, so the handler takes an optional `then` hook that
`fulfilment.payment_events` uses to move the order inside the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from core.database import is_unique_violation, write_transaction
from payments.errors import InvalidCallback, PaymentNotFound, ProviderNotFound
from payments.providers import CallbackEvent, get_provider
from payments.purposes import PaymentPurpose, purpose_handler
from payments.records import PaymentResult, ResultHook, _now
from payments.statuses import PaymentMethod, PaymentStatus
from payments.tables import Payment, WebhookEvent

T = TypeVar("T")


async def handle_webhook(
    provider: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    then: ResultHook | None = None,
) -> PaymentResult | None:
    """Verify and apply a provider's callback; None when this event was already handled.

    The signature is checked before anything is read from the database. The event id is
    recorded with the payment change in one transaction, so a replay finds it and changes
    nothing. `then` runs inside that transaction with the result (the page layer marks
    the order paid there): if it fails, the callback is not recorded and the provider's
    retry gets another chance.
    """
    chosen = get_provider(provider)
    if not chosen.accepts_callbacks:
        raise ProviderNotFound("Payment provider {name} takes no callbacks", name=provider)
    event = chosen.verify_callback(body, headers)
    return await apply_event(provider, event, hashlib.sha256(body).hexdigest(), then=then)


async def apply_event(
    provider: str, event: CallbackEvent, digest: str, *, then: ResultHook | None = None
) -> PaymentResult | None:
    """Apply a verified event (a callback, or a trade query's answer) once.

    None when an event of that id was already applied.
    """
    return await applied_once(
        event.event_id, lambda: _apply_callback(provider, event, digest, then)
    )


async def applied_once(event_id: str, apply: Callable[[], Awaitable[T]]) -> T | None:
    """`apply()` (which records `event_id` with its change), or None for a replay.

    Two deliveries of one event racing on PostgreSQL: the loser hits the unique event id
    once the winner commits; it is a replay like any other.
    """
    try:
        return await apply()
    except Exception as error:
        if not is_unique_violation(error):
            raise
        if await WebhookEvent.exists().where(WebhookEvent.event_id == event_id):
            return None
        raise


async def _apply_callback(
    provider: str, event: CallbackEvent, digest: str, then: ResultHook | None
) -> PaymentResult | None:
    async with write_transaction():
        if await WebhookEvent.exists().where(WebhookEvent.event_id == event.event_id):
            return None
        payment = (
            await Payment.select()
            .where((Payment.id == event.payment_id) & (Payment.provider == provider))
            .first()
        )
        if payment is None:
            raise PaymentNotFound("No payment {payment_id}", payment_id=event.payment_id)
        if payment["amount"] != event.amount or payment["currency"] != event.currency:
            raise InvalidCallback(
                "The callback is for {paid} fen {paid_currency}, but the payment is for "
                "{amount} fen {currency}",
                paid=event.amount,
                paid_currency=event.currency,
                amount=payment["amount"],
                currency=payment["currency"],
            )
        await WebhookEvent.insert(
            WebhookEvent(
                provider=provider,
                event_id=event.event_id,
                payment_id=payment["id"],
                payload_digest=digest,
            )
        )
        # A success may follow a failure (the consumer tried again on the provider's
        # page); a failure never undoes a success.
        from_statuses = (
            [PaymentStatus.PENDING, PaymentStatus.FAILED]
            if event.status == PaymentStatus.SUCCEEDED
            else [PaymentStatus.PENDING]
        )
        changes: dict = {Payment.status: event.status, Payment.updated_at: _now()}
        if event.status == PaymentStatus.SUCCEEDED:
            changes[Payment.method] = event.method or PaymentMethod.ONLINE
        if event.provider_ref:
            changes[Payment.provider_ref] = event.provider_ref
        changed = (
            await Payment.update(changes)
            .where((Payment.id == payment["id"]) & Payment.status.is_in(from_statuses))
            .returning(Payment.id)
        )
        result = PaymentResult(
            payment_id=payment["id"],
            order_id=payment["order_id"] or 0,
            status=event.status,
            newly_changed=bool(changed),
            purpose=payment["purpose"],
            subject_id=payment["subject_id"],
        )
        # An order's payment moves its order (the caller's hook); another purpose goes to
        # the handler its package registered (`payments.purposes`).
        hook = then if result.purpose == PaymentPurpose.ORDER else purpose_handler(result.purpose)
        if hook is not None:
            await hook(result)
    return result
