"""线上线下优惠一致: a walk-in sale and an online order of the same cart price the same."""

from __future__ import annotations

from piccolo.engine.base import Engine

from accounts.roles import Role
from fulfilment.checkout import LineRequest
from fulfilment.orders import PlaceOrder, place_order
from fulfilment.pos_sales import sell_walk_in
from promotions.reads import discounts_by_line, order_discounts
from tests.support.factories import (
    BEIJING,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
)
from tests.support.promotions import make_promotion


def priced(order) -> list[tuple[int, int, int, int]]:
    return sorted(
        (line.variant_id, line.quantity, line.unit_price, line.discount)
        for f in order.fulfilments
        for line in f.lines
    )


async def test_walk_in_and_online_orders_of_one_cart_price_identically(db: Engine) -> None:
    tea_shop, rice_shop = await make_supplier(), await make_supplier()
    tea = (await make_product(supplier_id=tea_shop, prices=(12_800, 3_300)))["variant_ids"]
    rice = (await make_product(supplier_id=rice_shop, prices=(21_900,)))["variant_ids"][0]
    store = await make_store(BEIJING)
    for variant in (*tea, rice):
        await stock(store, variant, 20)
    await make_promotion(
        "flash_price",
        supplier_id=tea_shop,
        variant_id=tea[1],
        flash_price=2_900,
        total=0,
        per_consumer=0,
    )
    await make_promotion("full_reduction", supplier_id=tea_shop, tiers=[(20_000, 2_000)])
    await make_promotion("full_reduction", tiers=[(30_000, 3_000), (50_000, 8_000)])
    await make_promotion(
        "coupon",
        supplier_id=rice_shop,
        code="RICE15",
        amount=1_500,
        threshold=10_000,
        total=0,
        per_consumer=0,
    )
    await make_promotion(
        "coupon", code="KQ5OFF", percent_bp=500, cap=2_000, total=0, per_consumer=0
    )
    await make_promotion("full_reduction", scope="store", location_id=store, tiers=[(10_000, 700)])
    cart = [LineRequest(tea[0], 2), LineRequest(tea[1], 3), LineRequest(rice, 1)]
    codes = ["RICE15", "kq5off"]
    staff = await make_user(Role.STAFF, store_ids=[store])
    consumer = await make_user()

    walk_in = await sell_walk_in(store, staff, cart, "cash", coupons=codes)
    online = (
        await place_order(
            PlaceOrder(
                channel="online",
                customer_id=consumer.id,
                lines=cart,
                method="pickup",
                payment_method="sandbox",
                idempotency_key="same-cart",
                position=BEIJING,
                location_id=store,
                coupons=codes,
            )
        )
    ).order

    assert walk_in.discount > 0
    assert (walk_in.subtotal, walk_in.discount, walk_in.total) == (
        online.subtotal,
        online.discount,
        online.total,
    )
    assert priced(walk_in) == priced(online)
    kinds = {d.kind for d in await order_discounts(walk_in.id)}
    assert kinds == {"flash_price", "full_reduction", "coupon"}
    lines = [line.id for f in walk_in.fulfilments for line in f.lines]
    assert sum((await discounts_by_line(lines)).values()) == walk_in.discount
