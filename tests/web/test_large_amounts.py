"""Money and stock beyond 32 bits: a ¥30,000,000 order places on both databases."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.tables import Order
from payments.tables import Payment
from tests.support.factories import login, make_product, make_store, make_user, stock

THIRTY_MILLION_YUAN = 3_000_000_000  # fen: above 2^31-1


async def test_an_order_of_thirty_million_yuan_places(client: AsyncClient) -> None:
    store = await make_store()
    variant = (await make_product(name="金条", prices=(THIRTY_MILLION_YUAN,)))["variant_ids"][0]
    await stock(store, variant, 2)
    await login(client, await make_user())
    placed = await client.post(
        "/api/orders",
        json={
            "lines": [{"variant_id": variant, "quantity": 1}],
            "method": "pickup",
            "location_id": store,
            "payment_method": "sandbox",
        },
        headers={"Idempotency-Key": "gold-1"},
    )
    assert placed.status_code == 201, placed.text
    assert placed.json()["total"] == THIRTY_MILLION_YUAN
    assert await Order.select(Order.total).first() == {"total": THIRTY_MILLION_YUAN}
    assert (await Payment.select(Payment.amount).first())["amount"] == THIRTY_MILLION_YUAN


async def test_ids_beyond_the_keys_answer_400_or_404_not_500(client: AsyncClient) -> None:
    for path in ("/api/products/3000000000", "/products/3000000000"):
        assert (await client.get(path)).status_code in (400, 404), path


async def test_a_stock_count_above_the_bound_is_refused_and_a_large_one_kept(
    client: AsyncClient,
) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await login(client, await make_user(Role.STAFF, store_ids=[store]))
    refused = await client.post(
        f"/api/pos/{store}/stock",
        json={"variant_id": variant, "reason": "count", "on_hand": 10_000_001},
    )
    assert refused.status_code == 400
    assert "on_hand" in refused.json()["detail"]
    kept = await client.post(
        f"/api/pos/{store}/stock",
        json={"variant_id": variant, "reason": "count", "on_hand": 10_000_000},
    )
    assert kept.status_code in (200, 201), kept.text
