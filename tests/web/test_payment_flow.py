"""The whole online payment: order through the API, pay on the sandbox page, replay the callback."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from accounts.roles import Role
from payments import sandbox
from tests.support.factories import (
    BEIJING,
    login,
    make_product,
    make_store,
    make_user,
    stock,
)
from tests.support.web import csrf_token


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, dict[str, str]]]:
    """Every callback the sandbox pay page signs, as sent to the webhook path."""
    sent: list[tuple[bytes, dict[str, str]]] = []
    sign = sandbox.sign_callback

    def spy(event: dict[str, Any], **options: Any) -> tuple[bytes, dict[str, str]]:
        signed = sign(event, **options)
        sent.append(signed)
        return signed

    monkeypatch.setattr(sandbox, "sign_callback", spy)
    return sent


async def test_order_pay_on_the_sandbox_page_then_a_replay_changes_nothing(
    client: AsyncClient, delivered: list[tuple[bytes, dict[str, str]]]
) -> None:
    consumer = await make_user(Role.CONSUMER)
    product = await make_product(prices=(8800,))
    variant_id = product["variant_ids"][0]
    await stock(await make_store(BEIJING), variant_id, 3)
    await login(client, consumer)

    placed = await client.post(
        "/api/orders",
        headers={"Idempotency-Key": "flow-1"},
        json={
            "lines": [{"variant_id": variant_id, "quantity": 2}],
            "method": "pickup",
            "position": {"lat": BEIJING[0], "lon": BEIJING[1]},
            "payment_method": "sandbox",
        },
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["status"] == "pending_payment"
    pay_url = order["payment"]["pay_url"]
    assert pay_url.startswith("/pay/sandbox/")

    page = await client.get(pay_url)
    assert page.status_code == 200
    assert "¥176.00" in page.text and order["number"] in page.text
    token = await csrf_token(client, pay_url)
    paid = await client.post(pay_url, data={"outcome": "succeeded", "_csrf_token": token})
    assert (paid.status_code, paid.headers["location"]) == (303, f"/orders/{order['id']}")

    after = (await client.get(f"/api/orders/{order['id']}")).json()
    assert after["status"] == "paid"
    assert after["payment"]["status"] == "succeeded"
    assert (await client.get(f"/orders/{order['id']}")).status_code == 200

    assert len(delivered) == 1
    body, headers = delivered[0]
    replay = await client.post("/api/payments/sandbox/webhook", content=body, headers=headers)
    assert (replay.status_code, replay.json()) == (200, {"result": "duplicate"})
    assert (await client.get(f"/api/orders/{order['id']}")).json() == after
