"""Through HTTP: Alipay's notification answered `success`, the pay page, checkout choices."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from piccolo.engine.base import Engine

from fulfilment.views import load_order
from payments.capabilities import payment_reference
from payments.service import get_payment
from tests.support.factories import (
    login,
    make_order,
    make_payment,
    make_product,
    make_store,
    make_user,
)
from tests.support.factories import stock as add_stock
from tests.support.fake_providers import FakeAlipay, FakeWechatPay
from tests.support.web import submit_form


async def _order(buyer_id: int, provider: str) -> Any:
    store = await make_store()
    variant = (await make_product(prices=(12900,)))["variant_ids"][0]
    await add_stock(store, variant, 3)
    return await make_order(buyer_id, [(variant, 1)], location_id=store, payment_method=provider)


async def test_alipay_posts_a_form_and_gets_success_once_processed(
    db: Engine, alipay: FakeAlipay, client: AsyncClient
) -> None:
    order = await _order((await make_user()).id, "alipay")
    body, headers = alipay.notification(payment_reference(order.payment.id), order.total)
    first = await client.post("/api/payments/alipay/webhook", content=body, headers=headers)
    assert (first.status_code, first.text) == (200, "success"), first.text
    again = await client.post("/api/payments/alipay/webhook", content=body, headers=headers)
    assert (again.status_code, again.text) == (200, "success")
    forged = await client.post(
        "/api/payments/alipay/webhook",
        content=body.replace(b"total_amount=129.00", b"total_amount=1.00"),
        headers=headers,
    )
    assert forged.status_code == 400
    assert (await get_payment(order.payment.id)).status == "succeeded"
    assert (await load_order(order.id, with_events=False)).status == "paid"  # type: ignore[union-attr]


async def test_the_alipay_pay_page_links_to_the_signed_cashier(
    db: Engine, alipay: FakeAlipay, client: AsyncClient
) -> None:
    buyer = await make_user()
    await login(client, buyer)
    started = await make_payment(provider="alipay", customer_id=buyer.id, amount=1990)
    page = await client.get(f"/pay/online/{started.payment_id}")
    assert page.status_code == 200
    assert f"{alipay.base}/gateway.do?" in page.text and "alipay.trade.page.pay" in page.text
    phone = await client.get(
        f"/pay/online/{started.payment_id}", headers={"User-Agent": "Mozilla/5.0 (iPhone) Mobile"}
    )
    assert "alipay.trade.wap.pay" in phone.text
    wrong = await client.get(f"/pay/online/{started.payment_id}?mode=native")
    assert wrong.status_code == 400
    other = await make_user()
    await login(client, other)
    assert (await client.get(f"/pay/online/{started.payment_id}")).status_code == 403


async def test_i_have_paid_asks_wechat_pay_and_the_qr_is_shown(
    db: Engine, wechat: FakeWechatPay, client: AsyncClient
) -> None:
    buyer = await make_user()
    await login(client, buyer)
    order = await _order(buyer.id, "wechat_pay")
    pay_page = f"/pay/online/{order.payment.id}"
    page = await client.get(pay_page)
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.text
    wechat.trades[payment_reference(order.payment.id)].status = "SUCCESS"
    answer = await submit_form(client, f"{pay_page}/check", {}, page=pay_page)
    assert (answer.status_code, answer.headers["location"]) == (303, f"/orders/{order.id}")
    assert (await get_payment(order.payment.id)).status == "succeeded"
    assert (await load_order(order.id, with_events=False)).status == "paid"  # type: ignore[union-attr]


async def test_the_json_twin_gives_the_code_and_checks_with_the_provider(
    db: Engine, wechat: FakeWechatPay, client: AsyncClient
) -> None:
    buyer = await make_user()
    await login(client, buyer)
    order = await _order(buyer.id, "wechat_pay")
    answer = await client.get(f"/api/pay/online/{order.payment.id}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["mode"], body["modes"], body["action"]["kind"]) == (
        "native",
        ["native", "h5"],
        "qr",
    )
    h5 = (await client.get(f"/api/pay/online/{order.payment.id}?mode=h5")).json()
    assert h5["action"]["kind"] == "redirect"
    assert (await client.get(f"/api/pay/online/{order.payment.id}?mode=page")).status_code == 400
    wechat.trades[payment_reference(order.payment.id)].status = "SUCCESS"
    checked = await client.post(f"/api/pay/online/{order.payment.id}/check")
    assert (checked.status_code, checked.json()["status"]) == (200, "succeeded")
    again = (await client.get(f"/api/pay/online/{order.payment.id}")).json()
    assert again["action"] is None
