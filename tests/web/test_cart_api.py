"""The cart: guests and consumers, quantity checks, merge at login, the product page form."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import login, make_product, make_store, make_user, stock
from tests.support.web import submit_form


async def test_a_guest_cart_is_merged_into_the_account_at_login(client: AsyncClient) -> None:
    store = await make_store()
    product = await make_product(prices=(1000, 2500))
    first, second = product["variant_ids"]
    await stock(store, first, 10)
    await stock(store, second, 10)
    buyer = await make_user()
    await login(client, buyer)
    assert (
        await client.post("/api/cart/items", json={"variant_id": first, "quantity": 1})
    ).status_code == 201
    await client.post("/api/auth/logout")

    added = await client.post("/api/cart/items", json={"variant_id": first, "quantity": 2})
    assert added.status_code == 201
    await client.post("/api/cart/items", json={"variant_id": second, "quantity": 1})
    await login(client, buyer)

    cart = (await client.get("/api/cart/items")).json()
    assert {i["variant_id"]: i["quantity"] for i in cart["items"]} == {first: 3, second: 1}
    assert cart["subtotal"] == 3 * 1000 + 2500


async def test_more_than_can_be_had_anywhere_is_refused_with_the_count(client: AsyncClient) -> None:
    one, two = await make_store(), await make_store()
    variant = (await make_product(name="小米手环"))["variant_ids"][0]
    await stock(one, variant, 2)
    await stock(two, variant, 1)

    refused = await client.post(
        "/api/cart/items",
        json={"variant_id": variant, "quantity": 4},
        headers={"Cookie": "kuaiqu_lang=en"},
    )

    assert refused.status_code == 409
    assert refused.json()["detail"] == "Only 3 of 小米手环 can be had right now"
    assert (await client.get("/api/cart/items")).json()["items"] == []


async def test_change_and_remove_lines(client: AsyncClient) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 5)
    await client.post("/api/cart/items", json={"variant_id": variant, "quantity": 1})

    changed = await client.patch("/api/cart/items", json={"variant_id": variant, "quantity": 4})
    assert changed.json()["items"][0]["quantity"] == 4
    removed = await client.delete(f"/api/cart/items?variant_id={variant}")
    assert removed.json() == {
        "items": [],
        "subtotal": 0,
        "currency": "CNY",
        "count": 0,
        "selected_count": 0,
    }


async def test_the_product_page_form_adds_to_the_cart_or_buys_now(client: AsyncClient) -> None:
    store = await make_store()
    variant = (await make_product(name="华为耳机"))["variant_ids"][0]
    await stock(store, variant, 5)

    added = await submit_form(
        client, "/cart/items", {"variant_id": str(variant), "quantity": "2"}, page="/login"
    )
    assert added.status_code in (302, 303)
    page = await client.get("/cart")
    assert "华为耳机" in page.text and 'value="2"' in page.text

    await login(client, await make_user())
    buy_now = await submit_form(
        client,
        "/cart/items",
        {"variant_id": str(variant), "quantity": "1", "buy_now": "1"},
        page="/login",
    )
    assert buy_now.headers["location"] == f"/checkout?buy_now={variant}:1"
    too_many = await submit_form(
        client, "/cart/items", {"variant_id": str(variant), "quantity": "50"}, page="/login"
    )
    assert too_many.status_code in (302, 303)
    assert "5" in (await client.get("/cart")).text


async def test_the_header_shows_how_many_items_are_in_the_cart(client: AsyncClient) -> None:
    variant = (await make_product())["variant_ids"][0]
    await stock(await make_store(), variant, 9)
    empty = await client.get("/cart/badge")
    assert empty.status_code == 200 and empty.text.strip() == ""
    await client.post("/api/cart/items", json={"variant_id": variant, "quantity": 3})
    badge = await client.get("/cart/badge")
    assert ">3</span>" in badge.text
    home = await client.get("/")
    assert 'hx-get="/cart/badge"' in home.text
