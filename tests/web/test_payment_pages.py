"""The sandbox provider's hosted pay page and its JSON twin, as the consumer uses them."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from accounts.roles import CurrentUser, Role
from fulfilment.views import load_order
from payments.service import payments_for_order
from tests.support.factories import (
    login,
    make_order,
    make_product,
    make_store,
    make_user,
    stock,
)
from tests.support.web import csrf_token


async def order_of(consumer: CurrentUser, payment_method: str = "sandbox") -> tuple[Any, Any]:
    """A pickup order of `consumer` waiting for payment (¥129.00), and its payment."""
    product = await make_product(prices=(12900,))
    store = await make_store()
    await stock(store, product["variant_ids"][0], 5)
    order = await make_order(
        consumer.id, [(product["variant_ids"][0], 1)], payment_method=payment_method
    )
    return order, (await payments_for_order(order.id))[-1]


async def press(client: AsyncClient, payment_id: int, outcome: str) -> Any:
    page = f"/pay/sandbox/{payment_id}"
    token = await csrf_token(client, page)
    return await client.post(page, data={"outcome": outcome, "_csrf_token": token})


async def test_the_pay_page_shows_the_amount_order_number_and_both_buttons(
    client: AsyncClient,
) -> None:
    consumer = await make_user(Role.CONSUMER)
    order, payment = await order_of(consumer)
    await login(client, consumer)
    page = await client.get(f"/pay/sandbox/{payment.id}")
    assert page.status_code == 200
    assert "¥129.00" in page.text
    assert order.number in page.text
    assert "支付成功" in page.text and "支付失败" in page.text


async def test_paying_on_the_page_pays_the_order_and_returns_to_it(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    order, payment = await order_of(consumer)
    await login(client, consumer)
    response = await press(client, payment.id, "succeeded")
    assert response.status_code == 303
    assert response.headers["location"] == f"/orders/{order.id}"
    assert (await payments_for_order(order.id))[-1].status == "succeeded"
    paid = await load_order(order.id)
    assert paid is not None and paid.status == "paid"
    again = await client.get(f"/pay/sandbox/{payment.id}")
    assert "已支付" in again.text and 'name="outcome"' not in again.text


async def test_failing_on_the_page_fails_the_payment_only(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    order, payment = await order_of(consumer)
    await login(client, consumer)
    response = await press(client, payment.id, "failed")
    assert response.status_code == 303
    assert (await payments_for_order(order.id))[-1].status == "failed"
    waiting = await load_order(order.id)
    assert waiting is not None and waiting.status == "pending_payment"


async def test_a_paid_payment_cannot_be_paid_twice(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    _, payment = await order_of(consumer)
    await login(client, consumer)
    token = await csrf_token(client, f"/pay/sandbox/{payment.id}")
    await client.post(
        f"/pay/sandbox/{payment.id}", data={"outcome": "succeeded", "_csrf_token": token}
    )
    second = await client.post(
        f"/pay/sandbox/{payment.id}", data={"outcome": "succeeded", "_csrf_token": token}
    )
    assert second.status_code == 409
    assert "不再等待付款" in second.text


async def test_a_page_post_without_a_choice_is_refused(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    order, payment = await order_of(consumer)
    await login(client, consumer)
    response = await press(client, payment.id, "")
    assert response.status_code == 400
    assert "请选择" in response.text
    assert (await payments_for_order(order.id))[-1].status == "pending"


async def test_another_customers_pay_page_is_forbidden(client: AsyncClient) -> None:
    owner, stranger = await make_user(Role.CONSUMER), await make_user(Role.CONSUMER)
    order, payment = await order_of(owner)
    await login(client, stranger)
    assert (await client.get(f"/pay/sandbox/{payment.id}")).status_code == 403
    api = await client.post(f"/api/pay/sandbox/{payment.id}", json={"status": "succeeded"})
    assert api.status_code == 403
    assert (await payments_for_order(order.id))[-1].status == "pending"


async def test_a_missing_payment_is_404(client: AsyncClient) -> None:
    await login(client, await make_user(Role.CONSUMER))
    assert (await client.get("/pay/sandbox/999999")).status_code == 404
    assert (await client.get("/api/pay/sandbox/999999")).status_code == 404


async def test_visitors_are_sent_to_log_in_first(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    _, payment = await order_of(consumer)
    response = await client.get(f"/pay/sandbox/{payment.id}")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login?next=/pay/sandbox/")


async def test_the_json_twin_shows_and_pays_the_payment(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    order, payment = await order_of(consumer)
    await login(client, consumer)
    shown = await client.get(f"/api/pay/sandbox/{payment.id}")
    assert shown.status_code == 200
    assert {k: shown.json()[k] for k in ("order_id", "amount", "currency", "status")} == {
        "order_id": order.id,
        "amount": 12900,
        "currency": "CNY",
        "status": "pending",
    }
    paid = await client.post(f"/api/pay/sandbox/{payment.id}", json={"status": "succeeded"})
    assert (paid.status_code, paid.json()["status"]) == (200, "succeeded")
    after = await load_order(order.id)
    assert after is not None and after.status == "paid"


async def test_the_json_twin_names_a_bad_choice(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    _, payment = await order_of(consumer)
    await login(client, consumer)
    response = await client.post(f"/api/pay/sandbox/{payment.id}", json={"status": "maybe"})
    assert response.status_code == 400
    assert "status" in response.json()["detail"]


async def test_an_in_store_payment_has_no_sandbox_page(client: AsyncClient) -> None:
    consumer = await make_user(Role.CONSUMER)
    _, payment = await order_of(consumer, payment_method="in_store")
    await login(client, consumer)
    response = await client.post(f"/api/pay/sandbox/{payment.id}", json={"status": "succeeded"})
    assert response.status_code == 400


async def test_the_order_page_shows_a_failed_payment_and_the_time_left_to_pay(
    client: AsyncClient,
) -> None:
    consumer = await make_user(Role.CONSUMER)
    order, payment = await order_of(consumer)
    await login(client, consumer)
    waiting = await client.get(f"/orders/{order.id}")
    assert 'class="pay-countdown"' in waiting.text and "超时订单将自动取消" in waiting.text
    assert "支付未成功" not in waiting.text
    await press(client, payment.id, "failed")
    failed = await client.get(f"/orders/{order.id}")
    assert "支付未成功，请重新支付" in failed.text
    assert 'class="pay-countdown"' in failed.text  # the clock keeps running
    assert f"· #{payment.id}" not in failed.text  # no internal payment reference
