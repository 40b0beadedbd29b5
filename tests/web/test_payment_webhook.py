"""The provider webhook end to end: signed callbacks move the order; forgeries and replays don't."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from accounts.roles import Role
from accounts.users import load_user
from fulfilment.orders import cancel_order
from fulfilment.views import load_order
from payments.service import payments_for_order
from payments.tables import Payment, WebhookEvent
from tests.support.factories import (
    login,
    make_order,
    make_product,
    make_store,
    make_user,
    sandbox_callback,
    stock,
)


async def unpaid_order(payment_method: str = "sandbox") -> tuple[Any, Any]:
    """A consumer's pickup order waiting for payment, and its payment."""
    consumer = await make_user(Role.CONSUMER)
    product = await make_product(prices=(12900,))
    store = await make_store()
    await stock(store, product["variant_ids"][0], 5)
    order = await make_order(
        consumer.id, [(product["variant_ids"][0], 1)], payment_method=payment_method
    )
    payments = await payments_for_order(order.id)
    return order, payments[-1]


async def post_callback(client: AsyncClient, body: bytes, headers: dict[str, str]) -> Any:
    return await client.post("/api/payments/sandbox/webhook", content=body, headers=headers)


async def test_a_signed_success_marks_the_order_paid(client: AsyncClient) -> None:
    order, payment = await unpaid_order()
    response = await post_callback(client, *sandbox_callback(payment.id, order.total))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "result": "processed",
        "payment_id": payment.id,
        "order_id": order.id,
        "status": "succeeded",
    }
    paid = await load_order(order.id)
    assert paid is not None and paid.status == "paid"
    assert (await payments_for_order(order.id))[-1].status == "succeeded"


async def test_a_replayed_callback_is_a_duplicate_and_changes_nothing(
    client: AsyncClient,
) -> None:
    order, payment = await unpaid_order()
    body, headers = sandbox_callback(payment.id, order.total)
    assert (await post_callback(client, body, headers)).json()["result"] == "processed"
    before = await load_order(order.id)
    replay = await post_callback(client, body, headers)
    assert (replay.status_code, replay.json()["result"]) == (200, "duplicate")
    after = await load_order(order.id)
    assert after is not None and before is not None
    assert (after.status, len(after.events)) == (before.status, len(before.events))
    assert await WebhookEvent.count() == 1


async def test_an_altered_callback_is_refused_with_400(client: AsyncClient) -> None:
    order, payment = await unpaid_order()
    body, headers = sandbox_callback(payment.id, order.total, status="failed")
    forged = body.replace(b'"failed"', b'"succeeded"')
    response = await post_callback(client, forged, headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert "signature" in response.json()["detail"] or "签名" in response.json()["detail"]
    unchanged = await load_order(order.id)
    assert unchanged is not None and unchanged.status == "pending_payment"
    assert await WebhookEvent.count() == 0


async def test_an_unsigned_callback_is_refused_with_400(client: AsyncClient) -> None:
    order, payment = await unpaid_order()
    body, _ = sandbox_callback(payment.id, order.total)
    response = await client.post("/api/payments/sandbox/webhook", content=body)
    assert response.status_code == 400
    assert (await Payment.select(Payment.status).first())["status"] == "pending"


async def test_a_callback_for_another_amount_is_refused(client: AsyncClient) -> None:
    order, payment = await unpaid_order()
    response = await post_callback(client, *sandbox_callback(payment.id, order.total - 1))
    assert response.status_code == 400
    assert response.json()["code"] == "payment_mismatch"
    unchanged = await load_order(order.id)
    assert unchanged is not None and unchanged.status == "pending_payment"


async def test_a_failed_payment_leaves_the_order_waiting(client: AsyncClient) -> None:
    order, payment = await unpaid_order()
    response = await post_callback(client, *sandbox_callback(payment.id, order.total, "failed"))
    assert response.json()["status"] == "failed"
    after = await load_order(order.id)
    assert after is not None and after.status == "pending_payment"
    assert "payment_failed" in [event.kind for event in after.events]


async def test_money_for_a_cancelled_order_is_refunded(client: AsyncClient) -> None:
    order, payment = await unpaid_order()
    await cancel_order(order.id, actor_id=None, customer_id=order.customer_id)
    response = await post_callback(client, *sandbox_callback(payment.id, order.total))
    assert response.status_code == 200
    after = await load_order(order.id)
    assert after is not None and after.status == "cancelled"
    refunded = (await payments_for_order(order.id))[-1]
    assert (refunded.status, refunded.refunded_amount) == ("refunded", order.total)


@pytest.mark.parametrize("provider", ["alipay-fake", "in_store"])
async def test_providers_without_webhooks_are_404(client: AsyncClient, provider: str) -> None:
    order, payment = await unpaid_order()
    body, headers = sandbox_callback(payment.id, order.total)
    response = await client.post(f"/api/payments/{provider}/webhook", content=body, headers=headers)
    assert response.status_code == 404


async def test_the_order_lists_its_payments_and_refunds_for_its_owner(client: AsyncClient) -> None:
    order, payment = await unpaid_order()
    await cancel_order(order.id, actor_id=None, customer_id=order.customer_id)
    await post_callback(client, *sandbox_callback(payment.id, order.total))
    owner = await load_user(order.customer_id)
    assert owner is not None
    await login(client, owner)
    listed = await client.get(f"/api/orders/{order.id}/payments")
    assert listed.status_code == 200
    [shown] = listed.json()
    assert (shown["status"], shown["amount"], shown["refunded_amount"]) == (
        "refunded",
        order.total,
        order.total,
    )
    assert [(r["amount"], r["status"]) for r in shown["refunds"]] == [(order.total, "succeeded")]


async def test_payments_of_someone_elses_order_are_not_found(client: AsyncClient) -> None:
    order, _ = await unpaid_order()
    await login(client, await make_user(Role.CONSUMER))
    assert (await client.get(f"/api/orders/{order.id}/payments")).status_code == 404
    await login(client, await make_user(Role.OPERATOR))
    assert (await client.get(f"/api/orders/{order.id}/payments")).status_code == 200
