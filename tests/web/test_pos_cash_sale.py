"""POS walk-in sale: a confirmation step, cash received and change; variants by their options."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.tables import Order
from tests.support.factories import login, make_product, make_store, make_user, stock
from tests.support.web import submit_form


async def _till(client: AsyncClient) -> tuple[int, list[int]]:
    store = await make_store(name="王府井店")
    product = await make_product(name="华为耳机", prices=(19900, 25900))
    for variant in product["variant_ids"]:
        await stock(store, variant, 3)
    await login(client, await make_user(Role.STAFF, store_ids=[store]))
    return store, product["variant_ids"]


async def test_cash_sale_is_confirmed_with_the_change_and_too_little_cash_is_refused(
    client: AsyncClient,
) -> None:
    store, (cheap, _dear) = await _till(client)
    sale_page = f"/pos/{store}/sale"
    await submit_form(client, f"/pos/{store}/sale/add", {"variant_id": str(cheap)}, page=sale_page)
    page = await client.get(sale_page)
    assert "v0" in page.text and "v1" not in page.text.split("pos-cart")[1]  # options shown
    assert f'action="/pos/{store}/sale/confirm"' in page.text

    confirm = await client.get(f"/pos/{store}/sale/confirm?payment_method=cash")
    assert confirm.status_code == 200
    assert (
        "确认销售" in confirm.text and "¥199.00" in confirm.text and "data-tender" in confirm.text
    )
    assert 'data-quick-amount="200.00"' in confirm.text
    orders_before = await Order.count().where(Order.status == "pending_payment")

    short = await submit_form(
        client,
        f"/pos/{store}/sale/pay",
        {"payment_method": "cash", "tendered": "150"},
        page=f"/pos/{store}/sale/confirm?payment_method=cash",
    )
    assert short.headers["location"].endswith("/sale/confirm?payment_method=cash")
    again = await client.get(short.headers["location"])
    assert "少于应收" in again.text
    assert await Order.count().where(Order.status == "completed") == 0
    # The refused sale holds nothing: its order is cancelled, not left open.
    assert await Order.count().where(Order.status == "pending_payment") == orders_before

    paid = await submit_form(
        client,
        f"/pos/{store}/sale/pay",
        {"payment_method": "cash", "tendered": "200"},
        page=f"/pos/{store}/sale/confirm?payment_method=cash",
    )
    receipt = await client.get(paid.headers["location"])
    assert "找零" in receipt.text and "¥1.00" in receipt.text and "¥200.00" in receipt.text


async def test_the_api_takes_cash_tendered_and_answers_the_change(client: AsyncClient) -> None:
    store, (cheap, dear) = await _till(client)
    items = (await client.get(f"/api/pos/{store}/items")).json()
    assert {tuple(i["options"].values()) for i in items} == {("v0",), ("v1",)}
    body = {"lines": [{"variant_id": dear, "quantity": 1}], "payment_method": "cash"}
    short = await client.post(f"/api/pos/{store}/sales", json={**body, "tendered": 20000})
    assert short.status_code == 400 and short.json()["field"] == "tendered"
    sold = await client.post(f"/api/pos/{store}/sales", json={**body, "tendered": 30000})
    assert sold.status_code == 201, sold.text
    assert sold.json()["tendered"] == 30000 and sold.json()["change"] == 4100
    card = await client.post(
        f"/api/pos/{store}/sales",
        json={"lines": [{"variant_id": cheap, "quantity": 1}], "payment_method": "card"},
    )
    assert card.json()["change"] is None
