"""Lost callbacks recovered: ask the provider what became of pending payments and refunds.

A provider's notification can be lost (our server down, a network cut). Before the sweep
cancels an unpaid order, and in `kuaiqu payments sync`, pending payments of providers
that answer trade queries are asked about; a payment the provider says is paid is
recorded exactly as its callback would have been (same checks, same hook, once). Refunds
the provider was still processing are brought up to date the same way.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from payments.callbacks import apply_event
from payments.capabilities import TradeQuerying, refund_reference
from payments.errors import ProviderNotFound
from payments.providers import CallbackEvent, get_provider
from payments.records import PaymentResult, ResultHook, _info
from payments.refunds import settle_refund
from payments.statuses import PaymentStatus, RefundStatus
from payments.tables import Payment, Refund

log = logging.getLogger(__name__)
#: Pending payments looked at per sync run.
BATCH = 200


def _querying(provider: str) -> TradeQuerying | None:
    try:
        chosen = get_provider(provider)
    except ProviderNotFound:
        return None
    return chosen if isinstance(chosen, TradeQuerying) else None


async def recover_payment(row: dict, *, then: ResultHook | None = None) -> PaymentResult | None:
    """Ask the provider about one pending payment row; apply a final answer once.

    None when the provider cannot be asked, says it is still pending or knows no such
    trade, or the answer was applied before.
    """
    provider = _querying(row["provider"])
    if provider is None or row["status"] != PaymentStatus.PENDING:
        return None
    state = await provider.query_trade(_info(row))  # outside any transaction: HTTP
    if state.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED):
        return None
    event = CallbackEvent(
        event_id=f"{row['provider']}:query:{row['id']}:{state.status}",
        payment_id=row["id"],
        amount=state.amount,
        currency=state.currency,
        status=state.status,
        provider_ref=state.provider_ref,
        method=state.method,
    )
    return await apply_event(row["provider"], event, "", then=then)


async def recover_order_payments(
    order_id: int, *, then: ResultHook | None = None
) -> list[PaymentResult]:
    """Ask the providers about an order's pending payments (before it is cancelled)."""
    rows = await Payment.select().where(
        (Payment.order_id == order_id) & (Payment.status == PaymentStatus.PENDING)
    )
    results = []
    for row in rows:
        result = await recover_payment(row, then=then)
        if result is not None:
            results.append(result)
    return results


async def sync_pending_payments(
    *, older_than_minutes: int = 2, then: ResultHook | None = None, now: datetime | None = None
) -> list[PaymentResult]:
    """Ask the providers about every pending payment opened more than a while ago.

    A payment whose provider cannot be reached is logged and left for the next run.
    """
    cutoff = (now or datetime.now(UTC)) - timedelta(minutes=older_than_minutes)
    rows = (
        await Payment.select()
        .where((Payment.status == PaymentStatus.PENDING) & (Payment.created_at < cutoff))
        .order_by(Payment.id)
        .limit(BATCH)
    )
    results = []
    for row in rows:
        try:
            result = await recover_payment(row, then=then)
        except Exception:
            log.exception("Trade query of payment %s failed", row["id"])
            continue
        if result is not None:
            results.append(result)
    return results


async def sync_processing_refunds() -> int:
    """Bring refunds the provider was still processing up to date; returns how many changed."""
    refunds = (
        await Refund.select(*Refund.all_columns(), *Refund.payment.all_columns())
        .where(Refund.status == RefundStatus.PROCESSING)
        .order_by(Refund.id)
        .limit(BATCH)
    )
    changed = 0
    for refund in refunds:
        payment = {
            key.removeprefix("payment."): value
            for key, value in refund.items()
            if key.startswith("payment.")
        }
        provider = _querying(payment["provider"])
        if provider is None:
            continue
        reference = refund["provider_ref"] or refund_reference(_info(payment))
        try:
            state = await provider.query_refund(_info(payment), reference)
        except Exception:
            log.exception("Refund query of refund %s failed", refund["id"])
            continue
        if await settle_refund(refund["id"], state.status):
            changed += 1
    return changed
