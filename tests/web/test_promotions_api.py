"""Promotions through the JSON API: consoles create and move them, shoppers claim and save."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import (
    BEIJING,
    login,
    make_product,
    make_store,
    make_user,
    stock,
)

NOW = datetime.now(UTC)
WINDOW = {
    "starts_at": (NOW - timedelta(hours=1)).isoformat(),
    "ends_at": (NOW + timedelta(days=1)).isoformat(),
}


async def test_supplier_creates_a_coupon_a_consumer_claims_it_and_checkout_uses_it(
    client: AsyncClient,
) -> None:
    product = await make_product(prices=(12_000,))
    variant = product["variant_ids"][0]
    store = await make_store(BEIJING)
    await stock(store, variant, 10)
    supplier = await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"])
    await login(client, supplier)
    made = await client.post(
        "/api/supplier/promotions",
        json={
            "kind": "coupon",
            "name": "店铺券",
            "amount": 2_000,
            "threshold": 10_000,
            "total": 2,
            **WINDOW,
        },
    )
    assert made.status_code == 201, made.text
    coupon = made.json()
    assert coupon["scope"] == "supplier" and coupon["supplier_id"] == product["supplier_id"]
    tiers = await client.post(
        "/api/supplier/promotions",
        json={"kind": "full_reduction", "name": "满100减5", "tiers": [[10_000, 500]], **WINDOW},
    )
    assert tiers.status_code == 201, tiers.text
    bad = await client.post(
        "/api/supplier/promotions",
        json={"kind": "coupon", "name": "x", "amount": 10, "percent_bp": 10, **WINDOW},
    )
    assert bad.status_code == 400 and "amount" in bad.json()["detail"]

    consumer = await make_user()
    await client.post("/api/auth/logout")
    await login(client, consumer)
    offers = await client.get("/api/coupons", params={"supplier_id": product["supplier_id"]})
    assert [o["id"] for o in offers.json()] == [coupon["id"]]
    claimed = await client.post(f"/api/coupons/{coupon['id']}/claim")
    assert claimed.status_code == 201, claimed.text
    again = await client.post(f"/api/coupons/{coupon['id']}/claim")
    assert again.status_code == 409
    code = claimed.json()["code"]

    body = {
        "lines": [{"variant_id": variant, "quantity": 1}],
        "method": "pickup",
        "position": {"lat": BEIJING[0], "lon": BEIJING[1]},
    }
    quoted = (await client.post("/api/checkout/quote", json=body)).json()
    assert quoted["discount"] == 2_500 and quoted["coupons"] == [code]
    assert {p["kind"] for p in quoted["promotions"]} == {"coupon", "full_reduction"}
    assert quoted["lines"][0]["total"] == 12_000 - 2_500
    plain = (await client.post("/api/checkout/quote", json=body | {"coupons": []})).json()
    assert plain["discount"] == 500
    unknown = await client.post("/api/checkout/quote", json=body | {"coupons": ["NOPE"]})
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["detail"]

    order = await client.post(
        "/api/orders",
        json=body | {"payment_method": "sandbox"},
        headers={"Idempotency-Key": "promo-1"},
    )
    assert order.status_code == 201, order.text
    assert order.json()["discount"] == 2_500
    line = order.json()["fulfilments"][0]["lines"][0]
    assert (line["discount"], line["line_total"]) == (2_500, 12_000 - 2_500)
    used = (await client.get("/api/me/coupons", params={"state": "used"})).json()
    assert [c["code"] for c in used] == [code]

    await client.post("/api/auth/logout")
    await login(client, supplier)
    figures = (await client.get(f"/api/supplier/promotions/{coupon['id']}")).json()
    assert (figures["claimed"], figures["used"], figures["given"]) == (1, 1, 2_000)
    paused = await client.post(f"/api/supplier/promotions/{coupon['id']}/pause")
    assert paused.json()["status"] == "paused"
    ended = await client.post(f"/api/supplier/promotions/{coupon['id']}/end")
    assert ended.json()["status"] == "ended"
    resumed = await client.post(f"/api/supplier/promotions/{coupon['id']}/resume")
    assert resumed.status_code == 409
    other = await make_user(Role.OPERATOR)
    await client.post("/api/auth/logout")
    await login(client, other)
    assert (await client.get(f"/api/operator/promotions/{coupon['id']}")).status_code == 404


async def test_cart_offers_show_what_is_close_and_flash_prices_are_listed(
    client: AsyncClient,
) -> None:
    product = await make_product(prices=(7_500,))
    variant = product["variant_ids"][0]
    store = await make_store(BEIJING)
    await stock(store, variant, 10)
    operator = await make_user(Role.OPERATOR)
    await login(client, operator)
    made = await client.post(
        "/api/operator/promotions",
        json={"kind": "full_reduction", "name": "满100减30", "tiers": [[10_000, 3_000]], **WINDOW},
    )
    assert made.status_code == 201, made.text
    await client.post("/api/auth/logout")
    supplier = await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"])
    await login(client, supplier)
    flash = await client.post(
        "/api/supplier/promotions",
        json={
            "kind": "flash_price",
            "name": "秒杀",
            "variant_id": variant,
            "flash_price": 5_000,
            "total": 5,
            **WINDOW,
        },
    )
    assert flash.status_code == 201, flash.text
    await client.post("/api/auth/logout")

    await client.post("/api/cart/items", json={"variant_id": variant, "quantity": 1})
    offers = (await client.get("/api/cart/offers")).json()
    assert offers["discount"] == 2_500
    assert offers["hints"] == [
        {"promotion_id": made.json()["id"], "name": "满100减30", "missing": 5_000, "save": 3_000}
    ]
    listed = (await client.get("/api/flash-prices", params={"variant_id": variant})).json()
    assert listed[0]["price"] == 5_000 and listed[0]["running"] is True
