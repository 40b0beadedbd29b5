"""The sandbox provider is for development: where it is not configured nobody pays through it."""

from __future__ import annotations

from collections.abc import Callable

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.views import load_order
from payments import sandbox
from tests.support.factories import BEIJING, login, make_product, make_store, make_user, stock
from tests.web.test_payment_pages import order_of


async def test_a_consumer_cannot_pay_through_the_sandbox_when_it_is_not_configured(
    client: AsyncClient, environment: Callable[..., None]
) -> None:
    consumer = await make_user(Role.CONSUMER)
    order, payment = await order_of(consumer)  # opened while the sandbox was on
    await login(client, consumer)
    environment(KUAIQU_SANDBOX_PAYMENTS=None)

    paid = await client.post(f"/api/pay/sandbox/{payment.id}", json={"status": "succeeded"})
    assert paid.status_code == 404
    assert "未启用沙箱支付" in paid.json()["detail"]  # "Sandbox payments are not enabled"
    assert (await client.get(f"/api/pay/sandbox/{payment.id}")).status_code == 404
    assert (await client.get(f"/pay/sandbox/{payment.id}")).status_code == 404
    event = {"payment_id": payment.id, "amount": payment.amount, "currency": "CNY"}
    body, headers = sandbox.sign_callback({**event, "status": "succeeded"})
    webhook = await client.post("/api/payments/sandbox/webhook", content=body, headers=headers)
    assert webhook.status_code == 404

    after = await load_order(order.id, with_events=False)
    assert after is not None and after.status == "pending_payment"


async def checkout_page(client: AsyncClient) -> str:
    """The checkout page of a product in stock near the consumer, with its payment choices."""
    product = await make_product(prices=(8800,))
    variant_id = product["variant_ids"][0]
    await stock(await make_store(BEIJING), variant_id, 3)
    page = await client.get(f"/checkout?lat={BEIJING[0]}&lon={BEIJING[1]}&buy_now={variant_id}:1")
    assert page.status_code == 200 and 'name="payment_method"' in page.text
    return page.text


async def test_checkout_offers_only_the_configured_providers(
    client: AsyncClient, environment: Callable[..., None]
) -> None:
    consumer = await make_user(Role.CONSUMER)
    await login(client, consumer)
    environment(KUAIQU_SANDBOX_PAYMENTS=None)

    placed = await client.post(
        "/api/orders",
        headers={"Idempotency-Key": "no-sandbox"},
        json={
            "lines": [{"variant_id": 1, "quantity": 1}],
            "method": "pickup",
            "position": {"lat": BEIJING[0], "lon": BEIJING[1]},
            "payment_method": "sandbox",
        },
    )
    assert placed.status_code == 400
    assert "cod, in_store" in placed.json()["detail"]  # the choices this server offers
    page = await checkout_page(client)
    assert 'value="sandbox"' not in page and 'value="in_store" checked' in page


async def test_checkout_offers_the_sandbox_where_it_is_configured(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    await login(client, consumer)
    page = await checkout_page(client)
    assert 'value="sandbox" checked' in page and 'value="in_store"' in page
