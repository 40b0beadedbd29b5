"""Consumer pages: checkout (pickup and delivery), my orders, one order with its timeline."""

from __future__ import annotations

import re

from httpx import AsyncClient

from tests.support.factories import (
    BEIJING,
    login,
    make_order,
    make_product,
    make_store,
    make_user,
    stock,
)
from tests.support.web import submit_form


async def test_checkout_page_quotes_and_places_a_pickup_order(client: AsyncClient) -> None:
    store = await make_store(BEIJING, name="王府井店")
    variant = (await make_product(name="故宫文创", prices=(8800,)))["variant_ids"][0]
    await stock(store, variant, 3)
    await login(client, await make_user())
    await client.post("/api/cart/items", json={"variant_id": variant, "quantity": 2})

    page = await client.get(f"/checkout?lat={BEIJING[0]}&lon={BEIJING[1]}")
    assert page.status_code == 200
    assert "王府井店" in page.text and "故宫文创" in page.text and "¥176.00" in page.text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)

    placed = await submit_form(
        client,
        "/checkout",
        {
            "method": "pickup",
            "lat": str(BEIJING[0]),
            "lon": str(BEIJING[1]),
            "location_id": str(store),
            "payment_method": "in_store",
            "idempotency_key": key,
        },
        page="/cart",
    )
    assert placed.status_code in (302, 303), placed.text
    order_page = await client.get(placed.headers["location"])
    assert "王府井店" in order_page.text
    assert (await client.get("/api/cart/items")).json()["items"] == []
    assert len((await client.get("/api/orders")).json()) == 1


async def test_checkout_shows_why_an_order_cannot_be_placed(client: AsyncClient) -> None:
    store = await make_store(BEIJING)
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 1)
    await login(client, await make_user())
    client.cookies.set("kuaiqu_lang", "en")

    page = await submit_form(
        client,
        "/checkout",
        {
            "buy_now": f"{variant}:1",
            "method": "pickup",
            "location_id": str(store),
            "payment_method": "",
        },
        page="/login",
    )

    assert page.status_code == 400
    assert "Choose how to pay" in page.text


async def test_order_pages_show_the_timeline_and_cancel(client: AsyncClient) -> None:
    store = await make_store(BEIJING, name="国贸店")
    variant = (await make_product(name="绿茶"))["variant_ids"][0]
    await stock(store, variant, 3)
    buyer = await make_user()
    order = await make_order(buyer.id, [(variant, 1)], location_id=store)
    await login(client, buyer)

    listing = await client.get("/orders")
    assert order.number in listing.text
    detail = await client.get(f"/orders/{order.id}")
    assert "国贸店" in detail.text and "timeline" in detail.text
    cancelled = await submit_form(
        client, f"/orders/{order.id}/cancel", {}, page=f"/orders/{order.id}"
    )
    assert cancelled.status_code in (302, 303)
    assert (await client.get(f"/api/orders/{order.id}")).json()["status"] == "cancelled"
    other = await make_user()
    await login(client, other)
    assert (await client.get(f"/orders/{order.id}")).status_code == 404
