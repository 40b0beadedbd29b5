"""Payments against a real database: starting, callbacks, offline confirmation, refunds."""

from __future__ import annotations

import asyncio

import pytest
from piccolo.engine.base import Engine

from payments.errors import (
    InvalidCallback,
    InvalidPayment,
    InvalidSignature,
    PaymentConflict,
    PaymentNotFound,
    ProviderNotFound,
)
from payments.service import (
    PaymentResult,
    confirm_offline_payment,
    get_payment,
    handle_webhook,
    payments_for_order,
    refund_order_payments,
    start_payment,
)
from payments.tables import Payment, Refund, WebhookEvent
from tests.support.factories import make_payment, sandbox_callback


async def _status(payment_id: int) -> str:
    return (await get_payment(payment_id)).status


async def test_a_sandbox_payment_opens_the_hosted_pay_page(db: Engine) -> None:
    started = await make_payment(provider="sandbox")
    assert started.status == "pending"
    assert started.pay_url == f"/pay/sandbox/{started.payment_id}"


@pytest.mark.parametrize("provider", ["in_store", "cod"])
async def test_offline_payments_have_no_pay_page(db: Engine, provider: str) -> None:
    started = await make_payment(provider=provider)
    assert (started.status, started.pay_url) == ("pending", None)


async def test_starting_twice_returns_the_same_pending_payment(db: Engine) -> None:
    first = await make_payment(order_id=41)
    again = await make_payment(order_id=41)
    assert again == first
    assert await Payment.count() == 1


async def test_another_provider_for_the_same_order_is_another_payment(db: Engine) -> None:
    online = await make_payment(order_id=42, provider="sandbox")
    at_store = await make_payment(order_id=42, provider="in_store")
    assert online.payment_id != at_store.payment_id


async def test_a_paid_order_cannot_be_paid_again(db: Engine) -> None:
    started = await make_payment(order_id=43)
    await handle_webhook("sandbox", *sandbox_callback(started.payment_id))
    with pytest.raises(PaymentConflict, match="already paid"):
        await make_payment(order_id=43, provider="in_store")


async def test_a_failed_payment_can_be_tried_again(db: Engine) -> None:
    first = await make_payment(order_id=44)
    await handle_webhook("sandbox", *sandbox_callback(first.payment_id, status="failed"))
    retry = await make_payment(order_id=44)
    assert retry.payment_id != first.payment_id
    assert retry.status == "pending"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": 0}, "above zero"),
        ({"amount": -5}, "above zero"),
        ({"currency": "yuan"}, "three-letter"),
    ],
)
async def test_bad_payment_requests_are_refused(db: Engine, fields: dict, message: str) -> None:
    request = {"order_id": 1, "order_number": "KQ1", "amount": 100, "provider": "sandbox"}
    with pytest.raises(InvalidPayment, match=message):
        await start_payment(**{**request, **fields})
    assert await Payment.count() == 0


async def test_an_unknown_provider_is_refused(db: Engine) -> None:
    with pytest.raises(ProviderNotFound):
        await make_payment(provider="bitcoin")


async def test_a_signed_success_marks_the_payment_succeeded_once(db: Engine) -> None:
    started = await make_payment(amount=12900)
    result = await handle_webhook("sandbox", *sandbox_callback(started.payment_id, 12900))
    assert result is not None
    assert (result.status, result.newly_changed) == ("succeeded", True)
    payment = await get_payment(started.payment_id)
    assert (payment.status, payment.method) == ("succeeded", "online")
    second = await handle_webhook("sandbox", *sandbox_callback(started.payment_id, 12900))
    assert second is not None and second.newly_changed is False


async def test_a_replayed_callback_changes_nothing(db: Engine) -> None:
    started = await make_payment()
    body, headers = sandbox_callback(started.payment_id)
    assert await handle_webhook("sandbox", body, headers) is not None
    before = await Payment.select().where(Payment.id == started.payment_id).first()
    assert await handle_webhook("sandbox", body, headers) is None
    assert await WebhookEvent.count() == 1
    after = await Payment.select().where(Payment.id == started.payment_id).first()
    assert after == before


async def test_a_replayed_callback_does_not_run_the_order_hook_again(db: Engine) -> None:
    started = await make_payment()
    body, headers = sandbox_callback(started.payment_id)
    seen: list[PaymentResult] = []

    async def hook(result: PaymentResult) -> None:
        seen.append(result)

    await handle_webhook("sandbox", body, headers, then=hook)
    await handle_webhook("sandbox", body, headers, then=hook)
    assert len(seen) == 1


async def test_a_failing_order_hook_leaves_the_callback_unrecorded(db: Engine) -> None:
    started = await make_payment()
    body, headers = sandbox_callback(started.payment_id)

    async def broken(result: PaymentResult) -> None:
        raise RuntimeError("order service down")

    with pytest.raises(RuntimeError):
        await handle_webhook("sandbox", body, headers, then=broken)
    assert await _status(started.payment_id) == "pending"
    assert await WebhookEvent.count() == 0
    retried = await handle_webhook("sandbox", body, headers)
    assert retried is not None and retried.newly_changed


async def test_an_altered_callback_is_refused_and_changes_nothing(db: Engine) -> None:
    started = await make_payment(amount=12900)
    body, headers = sandbox_callback(started.payment_id, 12900, status="failed")
    altered = body.replace(b'"failed"', b'"succeeded"')
    with pytest.raises(InvalidSignature):
        await handle_webhook("sandbox", altered, headers)
    assert await _status(started.payment_id) == "pending"
    assert await WebhookEvent.count() == 0


async def test_a_callback_for_another_amount_is_refused(db: Engine) -> None:
    started = await make_payment(amount=12900)
    with pytest.raises(InvalidCallback, match="1 fen"):
        await handle_webhook("sandbox", *sandbox_callback(started.payment_id, 1))
    assert await _status(started.payment_id) == "pending"
    assert await WebhookEvent.count() == 0


async def test_a_callback_in_another_currency_is_refused(db: Engine) -> None:
    started = await make_payment(amount=12900)
    body, headers = sandbox_callback(started.payment_id, 12900, currency="USD")
    with pytest.raises(InvalidCallback):
        await handle_webhook("sandbox", body, headers)
    assert await _status(started.payment_id) == "pending"


async def test_a_callback_for_an_unknown_payment_is_refused(db: Engine) -> None:
    with pytest.raises(PaymentNotFound):
        await handle_webhook("sandbox", *sandbox_callback(999999))
    assert await WebhookEvent.count() == 0


async def test_offline_providers_take_no_callbacks(db: Engine) -> None:
    started = await make_payment(provider="in_store")
    with pytest.raises(ProviderNotFound):
        await handle_webhook("in_store", *sandbox_callback(started.payment_id))
    assert await _status(started.payment_id) == "pending"


async def test_a_failure_callback_never_undoes_a_success(db: Engine) -> None:
    started = await make_payment()
    await handle_webhook("sandbox", *sandbox_callback(started.payment_id))
    late = await handle_webhook("sandbox", *sandbox_callback(started.payment_id, status="failed"))
    assert late is not None and late.newly_changed is False
    assert await _status(started.payment_id) == "succeeded"


async def test_a_success_after_a_failure_counts(db: Engine) -> None:
    started = await make_payment()
    await handle_webhook("sandbox", *sandbox_callback(started.payment_id, status="failed"))
    assert await _status(started.payment_id) == "failed"
    result = await handle_webhook("sandbox", *sandbox_callback(started.payment_id))
    assert result is not None and result.newly_changed
    assert await _status(started.payment_id) == "succeeded"


@pytest.mark.parametrize(("provider", "method"), [("in_store", "cash"), ("cod", "qr")])
async def test_staff_confirm_money_taken_by_hand(db: Engine, provider: str, method: str) -> None:
    started = await make_payment(provider=provider, order_id=50)
    result = await confirm_offline_payment(order_id=50, method=method, actor_id=9)
    assert (result.payment_id, result.status, result.newly_changed) == (
        started.payment_id,
        "succeeded",
        True,
    )
    payment = await Payment.select().where(Payment.id == started.payment_id).first()
    assert (payment["status"], payment["method"], payment["confirmed_by"]) == (
        "succeeded",
        method,
        9,
    )
    again = await confirm_offline_payment(order_id=50, method=method, actor_id=9)
    assert again.newly_changed is False


async def test_offline_confirmation_needs_a_known_method(db: Engine) -> None:
    await make_payment(provider="in_store", order_id=51)
    with pytest.raises(InvalidPayment, match="cash, card or qr"):
        await confirm_offline_payment(order_id=51, method="cheque", actor_id=None)


async def test_an_online_payment_cannot_be_confirmed_by_hand(db: Engine) -> None:
    started = await make_payment(provider="sandbox", order_id=52)
    with pytest.raises(PaymentConflict, match="no payment to collect"):
        await confirm_offline_payment(order_id=52, method="cash", actor_id=None)
    assert await _status(started.payment_id) == "pending"


async def test_a_full_refund_goes_back_through_the_provider(db: Engine) -> None:
    started = await make_payment(order_id=60, amount=12900)
    await handle_webhook("sandbox", *sandbox_callback(started.payment_id, 12900))
    refunds = await refund_order_payments(order_id=60, reason="cancelled")
    assert [(r.amount, r.status, r.provider) for r in refunds] == [(12900, "succeeded", "sandbox")]
    payment = await get_payment(started.payment_id)
    assert (payment.status, payment.refunded_amount) == ("refunded", 12900)
    assert await refund_order_payments(order_id=60, reason="again") == []


async def test_partial_refunds_add_up_to_the_payment(db: Engine) -> None:
    started = await make_payment(order_id=61, amount=10000)
    await handle_webhook("sandbox", *sandbox_callback(started.payment_id, 10000))
    await refund_order_payments(order_id=61, amount=3000, reason="one item returned")
    assert (await get_payment(started.payment_id)).status == "partially_refunded"
    with pytest.raises(InvalidPayment, match="Only 7000 fen"):
        await refund_order_payments(order_id=61, amount=7001, reason="too much")
    await refund_order_payments(order_id=61, amount=7000, reason="the rest")
    payment = (await payments_for_order(61))[0]
    assert (payment.status, payment.refunded_amount) == ("refunded", 10000)
    assert [(r.amount, r.reason) for r in payment.refunds] == [
        (3000, "one item returned"),
        (7000, "the rest"),
    ]


async def test_cash_paid_in_store_is_refunded_at_the_counter(db: Engine) -> None:
    await make_payment(provider="in_store", order_id=62, amount=5000)
    await confirm_offline_payment(order_id=62, method="cash", actor_id=None)
    refunds = await refund_order_payments(order_id=62, reason="customer changed mind")
    assert [(r.amount, r.status) for r in refunds] == [(5000, "to_pay_at_counter")]


async def test_refunding_an_unpaid_order_does_nothing(db: Engine) -> None:
    await make_payment(order_id=63)
    assert await refund_order_payments(order_id=63, reason="cancelled") == []
    assert await Refund.count() == 0


async def test_a_refund_must_be_above_zero(db: Engine) -> None:
    with pytest.raises(InvalidPayment):
        await refund_order_payments(order_id=64, amount=0, reason="nothing")


async def test_payments_for_order_lists_them_oldest_first(db: Engine) -> None:
    first = await make_payment(order_id=70)
    await handle_webhook("sandbox", *sandbox_callback(first.payment_id, status="failed"))
    second = await make_payment(order_id=70)
    views = await payments_for_order(70)
    assert [(v.id, v.status) for v in views] == [
        (first.payment_id, "failed"),
        (second.payment_id, "pending"),
    ]
    assert views[1].pay_url == f"/pay/sandbox/{second.payment_id}"


async def test_one_callback_delivered_twice_at_once_counts_once(db: Engine) -> None:
    started = await make_payment()
    body, headers = sandbox_callback(started.payment_id)
    results = await asyncio.gather(
        handle_webhook("sandbox", body, headers), handle_webhook("sandbox", body, headers)
    )
    processed = [r for r in results if r is not None]
    assert len(processed) == 1 and processed[0].newly_changed
    assert await WebhookEvent.count() == 1


async def test_two_success_events_at_once_pay_the_order_once(db: Engine) -> None:
    started = await make_payment()
    seen: list[PaymentResult] = []

    async def hook(result: PaymentResult) -> None:
        if result.newly_changed:
            seen.append(result)

    await asyncio.gather(
        handle_webhook("sandbox", *sandbox_callback(started.payment_id), then=hook),
        handle_webhook("sandbox", *sandbox_callback(started.payment_id), then=hook),
    )
    assert len(seen) == 1
    assert await WebhookEvent.count() == 2
    assert await _status(started.payment_id) == "succeeded"


async def test_two_requests_opening_one_payment_at_once_get_the_same_one(db: Engine) -> None:
    first, second = await asyncio.gather(make_payment(order_id=80), make_payment(order_id=80))
    assert first.payment_id == second.payment_id
    assert await Payment.count() == 1
