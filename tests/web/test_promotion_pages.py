"""Promotion pages: coupon centre and wallet, product and cart offers, checkout, POS, consoles."""

from __future__ import annotations

from datetime import datetime, timedelta

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.hours import STORE_TZ
from promotions.claims import claim_coupon
from tests.support.factories import BEIJING, login, make_product, make_store, make_user, stock
from tests.support.promotions import make_promotion
from tests.support.web import submit_form


async def test_claim_from_the_coupon_centre_and_see_it_in_the_wallet(client: AsyncClient) -> None:
    product = await make_product(name="龙井茶", prices=(12_000,))
    coupon = await make_promotion(
        "coupon",
        supplier_id=product["supplier_id"],
        name="茶叶店满100减20",
        amount=2_000,
        threshold=10_000,
        total=5,
    )
    consumer = await make_user()
    await login(client, consumer)

    centre = await client.get("/coupons")
    assert "茶叶店满100减20" in centre.text and f"/coupons/{coupon.id}/claim" in centre.text
    claimed = await submit_form(client, f"/coupons/{coupon.id}/claim", {}, page="/coupons")
    assert claimed.status_code in (302, 303)
    wallet = await client.get("/me/coupons")
    assert "茶叶店满100减20" in wallet.text and "KQ" in wallet.text
    assert "茶叶店满100减20" not in (await client.get("/me/coupons?tab=used")).text

    shop = await client.get(f"/fragments/shops/{product['supplier_id']}/coupons")
    assert "茶叶店满100减20" in shop.text
    page = await client.get(f"/products/{product['id']}")
    assert f"/fragments/products/{product['id']}/offers" in page.text
    assert "/static/js/flash-countdown.js" in page.text


async def test_product_offers_show_a_flash_price_with_its_countdown(client: AsyncClient) -> None:
    product = await make_product(prices=(9_900,))
    variant = product["variant_ids"][0]
    await make_promotion(
        "flash_price",
        supplier_id=product["supplier_id"],
        variant_id=variant,
        flash_price=6_600,
        total=5,
        name="双十二秒杀",
    )
    fragment = await client.get(
        f"/fragments/products/{product['id']}/offers",
        params={"variant": variant, "supplier": product["supplier_id"]},
    )
    assert "¥66.00" in fragment.text and "data-flash-countdown" in fragment.text
    assert "running" in fragment.text and "<script" not in fragment.text


async def test_cart_shows_discounts_and_what_is_close_and_checkout_uses_the_best_coupon(
    client: AsyncClient,
) -> None:
    product = await make_product(prices=(7_500,))
    variant = product["variant_ids"][0]
    store = await make_store(BEIJING)
    await stock(store, variant, 10)
    await make_promotion("full_reduction", name="满100减30", tiers=[(10_000, 3_000)])
    coupon = await make_promotion("coupon", name="平台券", amount=500, threshold=5_000)
    consumer = await make_user()
    held = await claim_coupon(coupon.id, consumer.id)
    await login(client, consumer)
    await client.post("/api/cart/items", json={"variant_id": variant, "quantity": 1})

    offers = await client.get("/fragments/cart/offers")
    assert "满100减30" in offers.text and "¥25.00" in offers.text  # 再买 ¥25 减 30
    assert "-¥5.00" in offers.text
    checkout = await client.get(f"/checkout?lat={BEIJING[0]}&lon={BEIJING[1]}")
    assert held.code in checkout.text and "-¥5.00" in checkout.text
    none = await submit_form(
        client,
        "/checkout",
        {"intent": "update", "coupon_mode": "none", "lat": str(BEIJING[0]), "lon": str(BEIJING[1])},
        page="/checkout",
    )
    assert "-¥0.00" in none.text


async def test_pos_sale_redeems_a_wallet_coupon_and_the_receipt_shows_it(
    client: AsyncClient,
) -> None:
    store = await make_store(BEIJING)
    product = await make_product(name="青岛啤酒", prices=(6_000,))
    variant = product["variant_ids"][0]
    await stock(store, variant, 10)
    coupon = await make_promotion("coupon", name="到店券", amount=1_000, threshold=5_000)
    consumer = await make_user()
    held = await claim_coupon(coupon.id, consumer.id)
    staff = await make_user(Role.STAFF, store_ids=[store])
    await login(client, staff)
    sale_page = f"/pos/{store}/sale"
    await submit_form(
        client, f"/pos/{store}/sale/add", {"variant_id": str(variant)}, page=sale_page
    )
    page = await client.get(sale_page)
    assert 'name="coupons"' in page.text
    preview = await client.get(f"/pos/{store}/sale/offers", params={"coupons": held.code})
    assert "到店券" in preview.text and "¥50.00" in preview.text
    confirm = await client.get(
        f"/pos/{store}/sale/confirm", params={"payment_method": "cash", "coupons": held.code}
    )
    assert "到店券" in confirm.text and "¥50.00" in confirm.text
    assert f'name="coupons" value="{held.code}"' in confirm.text
    paid = await submit_form(
        client,
        f"/pos/{store}/sale/pay",
        {"payment_method": "cash", "coupons": held.code, "tendered": "100"},
        page=sale_page,
    )
    assert paid.status_code in (302, 303), paid.text
    assert "/receipts/" in paid.headers["location"]
    receipt = await client.get(paid.headers["location"])
    assert "到店券" in receipt.text and "-¥10.00" in receipt.text and "¥50.00" in receipt.text
    used = await client.post(
        f"/api/pos/{store}/quote",
        json={"lines": [{"variant_id": variant, "quantity": 1}], "coupons": [held.code]},
    )
    assert used.status_code == 409


async def test_consoles_create_pause_and_end_promotions(client: AsyncClient) -> None:
    product = await make_product(prices=(5_000,))
    supplier = await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"])
    await login(client, supplier)
    start = datetime.now(STORE_TZ) - timedelta(hours=1)
    fields = {
        "kind": "full_reduction",
        "name": "满300减30",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "tiers": "300-30, 500-80",
    }
    made = await submit_form(client, "/supplier/promotions", fields, page="/supplier/promotions")
    assert made.status_code in (302, 303)
    page = await client.get("/supplier/promotions")
    assert "满300减30" in page.text and "300-30 / 500-80" in page.text
    bad = await submit_form(
        client, "/supplier/promotions", fields | {"tiers": "lots"}, page="/supplier/promotions"
    )
    assert bad.status_code in (302, 303)
    assert "300-30, 500-80" in (await client.get("/supplier/promotions")).text

    listed = (await client.get("/api/supplier/promotions")).json()
    pid = listed[0]["id"]
    await submit_form(client, f"/supplier/promotions/{pid}/pause", {}, page="/supplier/promotions")
    assert (await client.get(f"/api/supplier/promotions/{pid}")).json()["status"] == "paused"
    await submit_form(client, f"/supplier/promotions/{pid}/end", {}, page="/supplier/promotions")
    assert (await client.get(f"/api/supplier/promotions/{pid}")).json()["status"] == "ended"

    operator = await make_user(Role.OPERATOR)
    await client.post("/api/auth/logout")
    await login(client, operator)
    made = await submit_form(
        client,
        "/operator/promotions",
        fields
        | {
            "kind": "coupon",
            "name": "平台新人券",
            "amount": "10",
            "threshold": "50",
            "code": "new-2026",
            "tiers": "",
        },
        page="/operator/promotions",
    )
    page = await client.get("/operator/promotions")
    assert "平台新人券" in page.text and "NEW-2026" in page.text
