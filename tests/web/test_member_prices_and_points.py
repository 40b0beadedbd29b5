"""Member prices and points through the JSON API and the pages (both databases)."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from members.levels import LevelInput, set_levels
from members.member_prices import MemberPriceInput, set_member_prices
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


async def paid_points(consumer_id: int, store: int, variant: int, quantity: int) -> None:
    """Give the consumer points the real way: a paid online order."""
    from fulfilment.payment_events import pay_in_sandbox

    order = await make_order(consumer_id, [(variant, quantity)], location_id=store)
    await pay_in_sandbox(order.payment.id, consumer_id, "succeeded")


async def test_points_in_post_api_orders_are_shown_on_the_order_and_checkout_pages(
    client: AsyncClient,
) -> None:
    store = await make_store()
    variant = (await make_product(prices=(10000,)))["variant_ids"][0]
    await stock(store, variant, 10)
    consumer = await make_user()
    await paid_points(consumer.id, store, variant, 2)  # 200 points
    await login(client, consumer)
    body = {
        "lines": [{"variant_id": variant, "quantity": 1}],
        "method": "pickup",
        "location_id": store,
        "payment_method": "sandbox",
    }
    too_many = await client.post(
        "/api/orders", json={**body, "points": 201}, headers={"Idempotency-Key": "p0"}
    )
    assert too_many.status_code == 400 and "points" in too_many.json()["detail"]
    negative = await client.post(
        "/api/orders", json={**body, "points": -1}, headers={"Idempotency-Key": "p1"}
    )
    assert negative.status_code == 400 and "points" in negative.text

    placed = await client.post(
        "/api/orders", json={**body, "points": 120}, headers={"Idempotency-Key": "p2"}
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["points_paid"] == 120 and order["total"] == 9880
    assert order["payment"]["amount"] == 9880
    assert sum(ln["line_total"] for f in order["fulfilments"] for ln in f["lines"]) == 9880
    assert (await client.get("/api/member")).json()["points"] == 80
    page = await client.get(f"/orders/{order['id']}")
    assert 'id="points-paid"' in page.text and "积分抵扣" in page.text

    # Without the field nothing changes (the contract stays).
    plain = await client.post("/api/orders", json=body, headers={"Idempotency-Key": "p3"})
    assert plain.status_code == 201 and plain.json()["points_paid"] == 0

    checkout = await client.get(f"/checkout?buy_now={variant}:1&location_id={store}")
    assert 'id="pay-with-points"' in checkout.text and "80" in checkout.text
    requoted = await submit_form(
        client,
        "/checkout",
        {
            "intent": "update",
            "buy_now": f"{variant}:1",
            "method": "pickup",
            "lat": str(BEIJING[0]),
            "lon": str(BEIJING[1]),
            "location_id": str(store),
            "points": "50",
        },
        page="/checkout",
    )
    assert "还需支付" in requoted.text and "99.50" in requoted.text
    bought = await submit_form(
        client,
        "/checkout",
        {
            "buy_now": f"{variant}:1",
            "method": "pickup",
            "lat": str(BEIJING[0]),
            "lon": str(BEIJING[1]),
            "location_id": str(store),
            "payment_method": "in_store",
            "idempotency_key": "page-1",
            "points": "50",
        },
        page="/checkout",
    )
    assert bought.status_code in (302, 303), bought.text[:400]
    assert (await client.get("/api/member")).json()["points"] == 30


async def test_supplier_sets_member_prices_by_api_and_form_and_buyers_see_them(
    client: AsyncClient,
) -> None:
    levels = await set_levels([LevelInput("银卡", "Silver", 0), LevelInput("金卡", "Gold", 15000)])
    silver, gold = levels[0].id, levels[1].id
    store = await make_store()
    product = await make_product(prices=(10000, 20000))
    cheap, dear = product["variant_ids"]
    for v in (cheap, dear):
        await stock(store, v, 10)
    supplier = await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"])
    await login(client, supplier)
    url = f"/api/supplier/products/{product['id']}/member-prices"
    levels_out = (await client.get("/api/supplier/member-levels")).json()
    assert [lv["id"] for lv in levels_out] == [silver, gold]

    above = await client.put(url, json={"prices": [{"variant_id": cheap, "price": 10000}]})
    assert above.status_code == 400 and above.json()["detail"].startswith("price")
    no_level = await client.put(
        url, json={"prices": [{"variant_id": cheap, "price": 8000, "level_id": 99999}]}
    )
    assert no_level.status_code == 400 and "level_id" in no_level.json()["detail"]
    saved = await client.put(
        url, json={"prices": [{"variant_id": cheap, "price": 8000, "level_id": gold}]}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json() == [
        {
            "variant_id": cheap,
            "price": 8000,
            "level_id": gold,
            "level_zh": "金卡",
            "level_en": "Gold",
        }
    ]
    assert (await client.get(url)).json()[0]["price"] == 8000

    form = f"/supplier/products/{product['id']}"
    assert 'id="member-prices"' in (await client.get(form)).text
    posted = await submit_form(
        client,
        f"{form}/member-prices",
        {
            f"member_price_{cheap}": "80",
            f"member_level_{cheap}": str(gold),
            f"member_price_{dear}": "199.50",
            f"member_level_{dear}": str(silver),
        },
        page=form,
    )
    assert posted.status_code in (302, 303), posted.text[:400]
    assert sorted((p["variant_id"], p["price"]) for p in (await client.get(url)).json()) == [
        (cheap, 8000),
        (dear, 19950),
    ]
    bad = await submit_form(
        client, f"{form}/member-prices", {f"member_price_{cheap}": "abc"}, page=form
    )
    assert bad.status_code == 400

    # Another supplier may neither read nor set them.
    other = await make_product(prices=(5000,))
    await login(client, await make_user(Role.SUPPLIER, supplier_id=other["supplier_id"]))
    assert (await client.get(url)).status_code == 403
    assert (await client.put(url, json={"prices": []})).status_code == 403

    # A buyer below the level sees the hint; a gold member sees (and pays) the price.
    plain = await make_user()
    await login(client, plain)
    page = await client.get(f"/products/{product['id']}?variant={cheap}")
    assert 'id="member-price-hint"' in page.text and "¥80.00" in page.text
    rich = await make_user()
    await paid_points(rich.id, store, dear, 1)  # ¥200 spent: gold
    await login(client, rich)
    page = await client.get(f"/products/{product['id']}?variant={cheap}")
    assert "member-price-tag" in page.text and "¥80.00" in page.text
    await client.post("/api/cart/items", json={"variant_id": cheap, "quantity": 2})
    assert "member-price-tag" in (await client.get("/cart")).text
    quoted = await client.post(
        "/api/checkout/quote",
        json={
            "lines": [{"variant_id": cheap, "quantity": 2}],
            "method": "pickup",
            "location_id": store,
        },
    )
    assert quoted.json()["member_discount"] == 4000 and quoted.json()["total"] == 16000


async def test_counter_sale_with_member_price_and_points_gives_change_on_the_rest(
    client: AsyncClient,
) -> None:
    levels = await set_levels([LevelInput("银卡", "Silver", 0)])
    store = await make_store()
    product = await make_product(prices=(10000,))
    variant = product["variant_ids"][0]
    await stock(store, variant, 10)
    consumer = await make_user()
    await paid_points(consumer.id, store, variant, 1)  # 100 points, silver
    await set_member_prices(
        product["supplier_id"], product["id"], [MemberPriceInput(variant, 9000, levels[0].id)]
    )
    await login(client, consumer)
    qr = (await client.get("/api/member")).json()["qr"]
    await login(client, await make_user(Role.STAFF, store_ids=[store]))

    sale = await client.post(
        f"/api/pos/{store}/sales",
        json={
            "lines": [{"variant_id": variant, "quantity": 1}],
            "payment_method": "cash",
            "tendered": 10000,
            "member_code": qr,
            "points": 100,
        },
    )
    assert sale.status_code == 201, sale.text
    out = sale.json()
    # ¥90 member price, ¥1 in points: the counter takes ¥89, change from ¥100 is ¥11.
    assert out["total"] == 8900 and out["points_paid"] == 100 and out["change"] == 1100
    assert out["lines"][0]["line_total"] == 8900

    # The confirmation step prices with the member found and tells the page the points rate.
    await submit_form(
        client, f"/pos/{store}/sale/add", {"variant_id": str(variant)}, page=f"/pos/{store}/sale"
    )
    confirm = await client.get(
        f"/pos/{store}/sale/confirm", params={"payment_method": "cash", "member": qr}
    )
    assert 'id="member-discount"' in confirm.text and 'data-total="9000"' in confirm.text
    assert 'data-fen-per-point="1"' in confirm.text and "data-points" in confirm.text
    unknown = await client.get(
        f"/pos/{store}/sale/confirm", params={"payment_method": "cash", "member": "13000000000"}
    )
    assert unknown.status_code in (302, 303)
