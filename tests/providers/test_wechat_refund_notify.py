"""WeChat Pay refund result notifications against the local fake: verified like payment
callbacks, applied once through the function `payments sync` uses, over HTTP too."""

from __future__ import annotations

import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from httpx import AsyncClient
from piccolo.engine.base import Engine

from payments import refunds as refunds_module
from payments.capabilities import payment_reference
from payments.errors import InvalidCallback, InvalidSignature, ProviderNotFound, RefundNotFound
from payments.recovery import sync_processing_refunds
from payments.refund_callbacks import handle_refund_webhook
from payments.service import get_payment, handle_webhook, refund_order_payments
from payments.tables import Refund, WebhookEvent
from tests.support.factories import make_payment
from tests.support.fake_providers import FakeWechatPay

URL = "/api/payments/wechat_pay/refund-webhook"


async def processing_refund(wechat: FakeWechatPay, amount: int = 3_000) -> tuple[int, str]:
    """A paid WeChat Pay payment with a refund WeChat Pay is still processing."""
    started = await make_payment(provider="wechat_pay")
    reference = payment_reference(started.payment_id)
    await handle_webhook("wechat_pay", *wechat.callback(reference, 12900))
    wechat.refund_status = "PROCESSING"
    order_id = (await get_payment(started.payment_id)).order_id
    given = await refund_order_payments(order_id=order_id, amount=amount, reason="退货")
    assert [r.status for r in given] == ["processing"]
    return started.payment_id, f"{reference}R0"


async def refund_status() -> list[str]:
    return [r["status"] for r in await Refund.select(Refund.status)]


async def test_refunds_are_asked_with_the_refund_notify_url(
    db: Engine, wechat: FakeWechatPay
) -> None:
    _, refund_no = await processing_refund(wechat)
    assert wechat.refund_notify_urls[refund_no] == (
        "https://shop.example/api/payments/wechat_pay/refund-webhook"
    )


async def test_a_success_notification_settles_the_refund_once(
    db: Engine, wechat: FakeWechatPay, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment_id, refund_no = await processing_refund(wechat)
    seen: list[tuple[int, str]] = []
    real = refunds_module.settle_refund

    async def spy(refund_id: int, status: str) -> bool:
        seen.append((refund_id, status))
        return await real(refund_id, status)

    # The notification and `payments sync` go through the one function.
    monkeypatch.setattr("payments.refund_callbacks.settle_refund", spy)
    monkeypatch.setattr("payments.recovery.settle_refund", spy)
    body, headers = wechat.refund_notification(refund_no, status="SUCCESS")

    notice = await handle_refund_webhook("wechat_pay", body, headers)

    assert notice is not None and notice.newly_changed and notice.status == "succeeded"
    assert notice.payment_id == payment_id
    assert await refund_status() == ["succeeded"]
    assert await handle_refund_webhook("wechat_pay", body, headers) is None  # a replay
    assert await WebhookEvent.count().where(WebhookEvent.event_id.like("wechat_pay:%")) == 2
    assert await sync_processing_refunds() == 0  # nothing left processing
    # A second notification of the same end (a new event id) changes nothing either.
    again = await handle_refund_webhook(
        "wechat_pay", *wechat.refund_notification(refund_no, status="SUCCESS")
    )
    assert again is not None and not again.newly_changed
    assert [s for _, s in seen] == ["succeeded", "succeeded"]


@pytest.mark.parametrize("ending", ["ABNORMAL", "CLOSED"])
async def test_an_abnormal_or_closed_refund_is_marked_failed(
    db: Engine, wechat: FakeWechatPay, ending: str
) -> None:
    _, refund_no = await processing_refund(wechat)
    notice = await handle_refund_webhook(
        "wechat_pay", *wechat.refund_notification(refund_no, status=ending)
    )
    assert notice is not None and notice.status == "failed"
    assert await refund_status() == ["failed"]


async def test_sync_first_then_the_notification_changes_nothing(
    db: Engine, wechat: FakeWechatPay
) -> None:
    _, refund_no = await processing_refund(wechat)
    wechat.refunds[refund_no]["status"] = "SUCCESS"
    assert await sync_processing_refunds() == 1
    notice = await handle_refund_webhook(
        "wechat_pay", *wechat.refund_notification(refund_no, status="SUCCESS")
    )
    assert notice is not None and not notice.newly_changed
    assert await refund_status() == ["succeeded"]


@pytest.mark.parametrize("forgery", ["stranger_key", "stale", "altered"])
async def test_forged_refund_notifications_change_nothing(
    db: Engine, wechat: FakeWechatPay, keys: dict[str, rsa.RSAPrivateKey], forgery: str
) -> None:
    _, refund_no = await processing_refund(wechat)
    if forgery == "stranger_key":
        body, headers = wechat.refund_notification(refund_no, key=keys["stranger"])
    elif forgery == "stale":
        body, headers = wechat.refund_notification(refund_no, timestamp=int(time.time()) - 3600)
    else:
        body, headers = wechat.refund_notification(refund_no)
        body = body.replace(b'"summary": "', b'"summary": "x')
    with pytest.raises(InvalidSignature):
        await handle_refund_webhook("wechat_pay", body, headers)
    assert await refund_status() == ["processing"]
    assert await WebhookEvent.count().where(WebhookEvent.event_id.like("wechat_pay:%")) == 1


async def test_unknown_refunds_and_wrong_amounts_are_refused(
    db: Engine, wechat: FakeWechatPay
) -> None:
    _, refund_no = await processing_refund(wechat, amount=3_000)
    with pytest.raises(RefundNotFound):
        await handle_refund_webhook(
            "wechat_pay", *wechat.refund_notification(f"{refund_no}9", amount=3_000)
        )
    with pytest.raises(InvalidCallback):
        await handle_refund_webhook(
            "wechat_pay", *wechat.refund_notification(refund_no, amount=2_999)
        )
    with pytest.raises(ProviderNotFound):  # the sandbox sends no refund notifications
        await handle_refund_webhook("sandbox", b"{}", {})
    assert await refund_status() == ["processing"]


async def test_the_refund_webhook_over_http(
    db: Engine, wechat: FakeWechatPay, client: AsyncClient
) -> None:
    _, refund_no = await processing_refund(wechat)
    unknown = await client.post(
        URL, content=b"", headers={}
    )  # not signed: refused like a forged payment callback
    assert unknown.status_code == 400

    body, headers = wechat.refund_notification(f"{refund_no}9", amount=3_000)
    missing = await client.post(URL, content=body, headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "FAIL" and missing.json()["message"]

    body, headers = wechat.refund_notification(refund_no, status="SUCCESS")
    first = await client.post(URL, content=body, headers=headers)
    assert first.status_code == 200, first.text
    reply: dict[str, Any] = first.json()
    assert (reply["result"], reply["status"]) == ("processed", "succeeded")
    again = await client.post(URL, content=body, headers=headers)
    assert again.status_code == 200 and again.json() == {"result": "duplicate"}
    assert await refund_status() == ["succeeded"]
    no_notices = await client.post(
        "/api/payments/sandbox/refund-webhook", content=b"{}", headers={}
    )
    assert no_notices.status_code == 404
