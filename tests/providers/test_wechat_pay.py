"""WeChat Pay v3 adapter against a local fake API signing with keys made for the test."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from piccolo.engine.base import Engine

from payments.capabilities import payment_reference
from payments.errors import InvalidCallback, InvalidSignature
from payments.online import online_checkout
from payments.providers import get_provider, providers_serving
from payments.records import _info
from payments.service import get_payment, handle_webhook, refund_order_payments
from payments.tables import Payment, WebhookEvent
from tests.support.factories import make_payment, make_user
from tests.support.fake_providers import FakeWechatPay


async def test_native_shows_a_code_and_h5_a_link(db: Engine, wechat: FakeWechatPay) -> None:
    assert "wechat_pay" in [p.name for p in providers_serving("pickup")]
    buyer = await make_user()
    started = await make_payment(provider="wechat_pay", amount=990, customer_id=buyer.id)
    native = await online_checkout(started.payment_id, buyer.id)
    assert native.action is not None and native.action.kind == "qr"
    assert native.action.url.startswith("weixin://wxpay/bizpayurl")
    h5 = await online_checkout(started.payment_id, buyer.id, mobile=True, client_ip="1.2.3.4")
    assert h5.mode == "h5" and h5.action is not None and h5.action.kind == "redirect"
    assert wechat.trades[payment_reference(started.payment_id)].amount == 990


async def test_a_good_callback_pays_once_and_a_replay_changes_nothing(
    db: Engine, wechat: FakeWechatPay
) -> None:
    started = await make_payment(provider="wechat_pay")
    body, headers = wechat.callback(payment_reference(started.payment_id), 12900)
    first = await handle_webhook("wechat_pay", body, headers)
    assert first is not None and first.newly_changed
    assert await handle_webhook("wechat_pay", body, headers) is None
    assert (await get_payment(started.payment_id)).status == "succeeded"
    assert await WebhookEvent.count() == 1


@pytest.mark.parametrize("forgery", ["stranger_key", "wrong_apiv3_key", "stale", "altered"])
async def test_forged_callbacks_change_nothing(
    db: Engine, wechat: FakeWechatPay, keys: dict[str, rsa.RSAPrivateKey], forgery: str
) -> None:
    started = await make_payment(provider="wechat_pay")
    reference = payment_reference(started.payment_id)
    if forgery == "stranger_key":
        body, headers = wechat.callback(reference, 12900, key=keys["stranger"])
    elif forgery == "wrong_apiv3_key":
        body, headers = wechat.callback(reference, 12900, apiv3_key="b" * 32)
    elif forgery == "stale":
        body, headers = wechat.callback(reference, 12900, timestamp=int(time.time()) - 3600)
    else:
        body, headers = wechat.callback(reference, 12900)
        body = body.replace(b'"summary": "', b'"summary": "x')
    with pytest.raises(InvalidSignature):
        await handle_webhook("wechat_pay", body, headers)
    assert (await get_payment(started.payment_id)).status == "pending"
    assert await WebhookEvent.count() == 0


async def test_a_genuine_callback_of_another_amount_is_refused(
    db: Engine, wechat: FakeWechatPay
) -> None:
    started = await make_payment(provider="wechat_pay", amount=12900)
    body, headers = wechat.callback(payment_reference(started.payment_id), 1)
    with pytest.raises(InvalidCallback):
        await handle_webhook("wechat_pay", body, headers)
    assert (await get_payment(started.payment_id)).status == "pending"


async def test_a_refund_goes_through_once(db: Engine, wechat: FakeWechatPay) -> None:
    started = await make_payment(provider="wechat_pay")
    reference = payment_reference(started.payment_id)
    await handle_webhook("wechat_pay", *wechat.callback(reference, 12900))
    order_id = (await get_payment(started.payment_id)).order_id
    given = await refund_order_payments(order_id=order_id, amount=4000, reason="late")
    assert [(r.amount, r.status) for r in given] == [(4000, "succeeded")]
    assert wechat.trades[reference].refunds == {f"{reference}R0": 4000}
    assert (await get_payment(started.payment_id)).refunded_amount == 4000
    row = await Payment.select().where(Payment.id == started.payment_id).first()
    assert row is not None
    state = await get_provider("wechat_pay").query_refund(_info(row), f"{reference}R0")  # type: ignore[attr-defined]
    assert (state.status, state.amount) == ("succeeded", 4000)


async def test_trade_query_recovers_a_lost_callback(db: Engine, wechat: FakeWechatPay) -> None:
    from payments.recovery import sync_pending_payments

    started = await make_payment(provider="wechat_pay", amount=5000)
    wechat.open_trade(payment_reference(started.payment_id), 5000)
    recovered = await sync_pending_payments(older_than_minutes=-1)
    assert [r.payment_id for r in recovered] == [started.payment_id]
    assert (await get_payment(started.payment_id)).status == "succeeded"
    assert await sync_pending_payments(older_than_minutes=-1) == []


async def test_a_processing_refund_is_brought_up_to_date_by_sync(
    db: Engine, wechat: FakeWechatPay
) -> None:
    from payments.recovery import sync_processing_refunds
    from payments.tables import Refund

    started = await make_payment(provider="wechat_pay")
    reference = payment_reference(started.payment_id)
    await handle_webhook("wechat_pay", *wechat.callback(reference, 12900))
    wechat.refund_status = "PROCESSING"
    order_id = (await get_payment(started.payment_id)).order_id
    given = await refund_order_payments(order_id=order_id, amount=100, reason="late")
    assert [r.status for r in given] == ["processing"]
    assert await sync_processing_refunds() == 0  # still processing at WeChat Pay
    wechat.refunds[f"{reference}R0"]["status"] = "SUCCESS"
    assert await sync_processing_refunds() == 1
    assert [r["status"] for r in await Refund.select(Refund.status)] == ["succeeded"]
