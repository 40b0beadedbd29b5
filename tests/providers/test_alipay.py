"""Alipay adapter against a local fake gateway signing with keys made for the test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from piccolo.engine.base import Engine

from fulfilment.moves import now_utc
from fulfilment.orders import cancel_order
from fulfilment.payment_events import receive_callback
from fulfilment.sweeps import cancel_unpaid_orders
from fulfilment.views import load_order
from payments.alipay import AlipayProvider
from payments.capabilities import payment_reference
from payments.errors import InvalidCallback, InvalidSignature
from payments.providers import get_provider, providers_serving
from payments.service import get_payment, handle_webhook, refund_order_payments
from payments.tables import Payment, Refund, WebhookEvent
from tests.support.factories import make_order, make_payment, make_product, make_store, make_user
from tests.support.factories import stock as add_stock
from tests.support.fake_providers import FakeAlipay


async def _paid(alipay: FakeAlipay, amount: int = 12900) -> tuple[int, str]:
    started = await make_payment(provider="alipay", amount=amount)
    reference = payment_reference(started.payment_id)
    body, headers = alipay.notification(reference, amount)
    result = await handle_webhook("alipay", body, headers)
    assert result is not None and result.status == "succeeded"
    return started.payment_id, reference


async def test_configured_alipay_is_offered_and_signs_its_cashier_url(
    db: Engine, alipay: FakeAlipay
) -> None:
    names = [p.name for p in providers_serving("delivery")]
    assert {"alipay", "alipay_card"} <= set(names)
    started = await make_payment(provider="alipay", amount=1990)
    assert started.pay_url == f"/pay/online/{started.payment_id}"
    provider = get_provider("alipay")
    assert isinstance(provider, AlipayProvider)
    from payments.records import _info

    row = await Payment.select().where(Payment.id == started.payment_id).first()
    assert row is not None
    action = await provider.pay_action(
        _info(row), mode="wap", client_ip="127.0.0.1", return_url="https://shop.example/r"
    )
    assert action.kind == "redirect" and action.url.startswith(alipay.base)
    assert "alipay.trade.wap.pay" in action.url and "sign=" in action.url
    assert "total_amount%22%3A%2219.90" in action.url or "19.90" in action.url


async def test_a_good_notification_pays_once_and_a_replay_changes_nothing(
    db: Engine, alipay: FakeAlipay
) -> None:
    started = await make_payment(provider="alipay")
    body, headers = alipay.notification(payment_reference(started.payment_id), 12900)
    first = await handle_webhook("alipay", body, headers)
    assert first is not None and first.newly_changed
    assert await handle_webhook("alipay", body, headers) is None
    payment = await get_payment(started.payment_id)
    assert payment.status == "succeeded"
    assert await WebhookEvent.count() == 1


@pytest.mark.parametrize("forgery", ["stranger_key", "altered_amount", "unsigned", "other_app"])
async def test_forged_notifications_change_nothing(
    db: Engine, alipay: FakeAlipay, keys: dict[str, rsa.RSAPrivateKey], forgery: str
) -> None:
    started = await make_payment(provider="alipay")
    reference = payment_reference(started.payment_id)
    if forgery == "stranger_key":
        body, headers = alipay.notification(reference, 12900, key=keys["stranger"])
    elif forgery == "altered_amount":
        body, headers = alipay.notification(reference, 12900, tamper={"total_amount": "0.01"})
    elif forgery == "unsigned":
        body, headers = alipay.notification(reference, 12900, tamper={"sign": ""})
    else:
        body, headers = alipay.notification(reference, 12900, app_id="2021000000009999")
    with pytest.raises(InvalidSignature):
        await handle_webhook("alipay", body, headers)
    assert (await get_payment(started.payment_id)).status == "pending"
    assert await WebhookEvent.count() == 0


async def test_a_genuine_notification_of_another_amount_is_refused(
    db: Engine, alipay: FakeAlipay
) -> None:
    started = await make_payment(provider="alipay", amount=12900)
    body, headers = alipay.notification(payment_reference(started.payment_id), 1)
    with pytest.raises(InvalidCallback):
        await handle_webhook("alipay", body, headers)
    assert (await get_payment(started.payment_id)).status == "pending"


async def test_refunds_go_through_once_and_the_refund_query_confirms(
    db: Engine, alipay: FakeAlipay
) -> None:
    payment_id, reference = await _paid(alipay)
    order_id = (await get_payment(payment_id)).order_id
    first = await refund_order_payments(order_id=order_id, amount=2900, reason="one broken")
    second = await refund_order_payments(order_id=order_id, reason="returned")
    assert [r.amount for r in first + second] == [2900, 10000]
    assert alipay.trades[reference].refunds == {f"{reference}R0": 2900, f"{reference}R2900": 10000}
    assert (await get_payment(payment_id)).status == "refunded"
    assert [r["provider_ref"] for r in await Refund.select().order_by(Refund.id)] == [
        f"{reference}R0",
        f"{reference}R2900",
    ]
    provider = get_provider("alipay")
    from payments.records import _info

    row = await Payment.select().where(Payment.id == payment_id).first()
    assert row is not None
    state = await provider.query_refund(_info(row), f"{reference}R0")  # type: ignore[attr-defined]
    assert (state.status, state.amount) == ("succeeded", 2900)


async def _order(db: Engine) -> object:
    buyer = await make_user()
    store = await make_store()
    variant = (await make_product(prices=(12900,)))["variant_ids"][0]
    await add_stock(store, variant, 3)
    return await make_order(buyer.id, [(variant, 1)], location_id=store, payment_method="alipay")


async def test_a_late_notification_after_cancel_is_refunded_through_alipay(
    db: Engine, alipay: FakeAlipay
) -> None:
    order = await _order(db)
    await cancel_order(order.id, actor_id=None, reason="changed my mind")  # type: ignore[attr-defined]
    payment_id = order.payment.id  # type: ignore[attr-defined]
    reference = payment_reference(payment_id)
    body, headers = alipay.notification(reference, order.total)  # type: ignore[attr-defined]
    await receive_callback("alipay", body, headers)
    assert (await get_payment(payment_id)).status == "refunded"
    assert sum(alipay.trades[reference].refunds.values()) == order.total  # type: ignore[attr-defined]


async def test_a_lost_notification_is_recovered_by_trade_query_before_the_sweep_cancels(
    db: Engine, alipay: FakeAlipay
) -> None:
    paid = await _order(db)
    unpaid = await _order(db)
    alipay.open_trade(payment_reference(paid.payment.id), paid.total)  # type: ignore[attr-defined]
    cancelled = await cancel_unpaid_orders(now_utc() + timedelta(minutes=31))
    assert cancelled == [unpaid.id]  # type: ignore[attr-defined]
    assert (await load_order(paid.id, with_events=False)).status == "paid"  # type: ignore[attr-defined,union-attr]
    assert (await get_payment(paid.payment.id)).status == "succeeded"  # type: ignore[attr-defined]
    assert "alipay.trade.query" in alipay.calls


async def test_a_card_payment_through_alipay_is_recorded_as_card(
    db: Engine, alipay: FakeAlipay
) -> None:
    started = await make_payment(provider="alipay_card", amount=5000)
    body, headers = alipay.notification(payment_reference(started.payment_id), 5000)
    assert await handle_webhook("alipay_card", body, headers) is not None
    payment = await get_payment(started.payment_id)
    assert (payment.status, payment.method) == ("succeeded", "card")
    from payments.records import _info

    row = await Payment.select().where(Payment.id == started.payment_id).first()
    assert row is not None
    action = await get_provider("alipay_card").pay_action(  # type: ignore[attr-defined]
        _info(row), mode="page", client_ip="", return_url=""
    )
    assert "enable_pay_channels" in action.url and "debitCardExpress" in action.url
