"""Cart item selection and steppers: checkout takes only the ticked lines."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import BEIJING, login, make_product, make_store, make_user, stock
from tests.support.web import submit_form


async def _two_lines(client: AsyncClient) -> tuple[int, int]:
    store = await make_store(BEIJING)
    product = await make_product(prices=(1000, 2500))
    first, second = product["variant_ids"][:2]
    for variant in (first, second):
        await stock(store, variant, 5)
        await client.post("/api/cart/items", json={"variant_id": variant, "quantity": 1})
    return first, second


async def test_unticked_lines_leave_the_subtotal_and_stay_after_the_order(
    client: AsyncClient,
) -> None:
    await login(client, await make_user())
    first, second = await _two_lines(client)
    cart = (
        await client.put(
            "/api/cart/items/selection", json={"variant_ids": [second], "selected": False}
        )
    ).json()
    assert [(i["variant_id"], i["selected"]) for i in cart["items"]] == [
        (first, True),
        (second, False),
    ]
    assert cart["subtotal"] == 1000 and cart["count"] == 2 and cart["selected_count"] == 1

    checkout = await client.get(f"/checkout?lat={BEIJING[0]}&lon={BEIJING[1]}")
    assert checkout.text.count('class="order-line"') == 1
    placed = await submit_form(
        client,
        "/checkout",
        {
            "method": "pickup",
            "lat": str(BEIJING[0]),
            "lon": str(BEIJING[1]),
            "payment_method": "in_store",
            "idempotency_key": "sel-1",
        },
        page="/checkout",
    )
    assert placed.status_code in (302, 303), placed.text[:400]
    order = (await client.get(placed.headers["location"].replace("/orders", "/api/orders"))).json()
    assert [ln["variant_id"] for f in order["fulfilments"] for ln in f["lines"]] == [first]
    left = (await client.get("/api/cart/items")).json()
    assert [i["variant_id"] for i in left["items"]] == [second]

    everything = await client.put("/api/cart/items/selection", json={"selected": True})
    assert everything.json()["selected_count"] == 1 and everything.json()["subtotal"] == 2500


async def test_the_cart_page_steppers_and_ticks(client: AsyncClient) -> None:
    first, second = await _two_lines(client)
    page = await client.get("/cart")
    assert page.text.count('name="step" value="+1"') == 2
    await submit_form(
        client,
        "/cart/items/update",
        {"variant_id": str(first), "quantity": "1", "step": "+1"},
        page="/cart",
    )
    await submit_form(client, "/cart/items/select", {"variant_id": str(second)}, page="/cart")
    cart = (await client.get("/api/cart/items")).json()
    assert [(i["quantity"], i["selected"]) for i in cart["items"]] == [(2, True), (1, False)]
    await submit_form(
        client,
        "/cart/items/update",
        {"variant_id": str(first), "quantity": "2", "step": "-1"},
        page="/cart",
    )
    await submit_form(client, "/cart/items/select", {"selected": "1"}, page="/cart")
    cart = (await client.get("/api/cart/items")).json()
    assert [(i["quantity"], i["selected"]) for i in cart["items"]] == [(1, True), (1, True)]


async def test_selection_of_nothing_named_changes_nothing(client: AsyncClient) -> None:
    await _two_lines(client)
    cart = await client.put(
        "/api/cart/items/selection", json={"variant_ids": [], "selected": False}
    )
    assert cart.status_code == 200 and cart.json()["selected_count"] == 2
    bad = await client.put("/api/cart/items/selection", json={"selected": "maybe"})
    assert bad.status_code == 400
