"""Promotions under load, on both databases: counts never pass their limits, losers get 409."""

from __future__ import annotations

import asyncio

from piccolo.engine.base import Engine

from fulfilment.tables import Order, OrderLine
from promotions.claims import claim_coupon, wallet
from promotions.errors import PromotionUsedUp
from promotions.manage import promotion_of
from promotions.reads import discounts_by_line
from promotions.tables import LineDiscount, PromotionUse
from tests.support.factories import BEIJING, make_order, make_product, make_store, make_user, stock
from tests.support.promotions import make_promotion, promoter


async def test_a_coupon_with_ten_uses_raced_by_thirty_orders_is_used_ten_times(db: Engine) -> None:
    store = await make_store(BEIJING)
    variant = (await make_product(prices=(10_000,)))["variant_ids"][0]
    await stock(store, variant, 100)
    coupon = await make_promotion(
        "coupon", code="RACE10", amount=2_000, threshold=5_000, total=10, per_consumer=0
    )
    buyers = [await make_user() for _ in range(30)]

    from fulfilment.checkout import LineRequest
    from fulfilment.orders import PlaceOrder, place_order

    async def buy_with_code(n: int) -> str:
        try:
            await place_order(
                PlaceOrder(
                    channel="online",
                    customer_id=buyers[n].id,
                    lines=[LineRequest(variant, 1)],
                    method="pickup",
                    payment_method="sandbox",
                    idempotency_key=f"race-{n}",
                    position=BEIJING,
                    location_id=store,
                    coupons=["race10"],
                )
            )
        except PromotionUsedUp as refused:
            assert refused.status_code == 409
            return "refused"
        return "placed"

    results = await asyncio.gather(*(buy_with_code(n) for n in range(30)))
    assert results.count("placed") == 10
    assert results.count("refused") == 20
    assert await Order.count() == 10
    figures = await promotion_of(await promoter(), coupon.id)
    assert figures.used == 10
    assert figures.given == 10 * 2_000
    assert await PromotionUse.count() == 10
    lines = await OrderLine.select(OrderLine.id, OrderLine.discount)
    assert all(line["discount"] == 2_000 for line in lines)
    assert await discounts_by_line([line["id"] for line in lines]) == {
        line["id"]: 2_000 for line in lines
    }


async def test_a_flash_price_capped_at_five_raced_by_twenty_buyers_sells_five(db: Engine) -> None:
    store = await make_store(BEIJING)
    product = await make_product(prices=(10_000,))
    variant = product["variant_ids"][0]
    await stock(store, variant, 50)
    flash = await make_promotion(
        "flash_price",
        supplier_id=product["supplier_id"],
        variant_id=variant,
        flash_price=6_600,
        total=5,
        per_consumer=1,
    )
    buyers = [await make_user() for _ in range(20)]

    async def buy(n: int) -> str:
        try:
            await make_order(buyers[n].id, [(variant, 1)], location_id=store)
        except PromotionUsedUp:
            return "refused"
        return "placed"

    results = await asyncio.gather(*(buy(n) for n in range(20)))
    assert results.count("placed") >= 5
    at_flash = await OrderLine.select().where(OrderLine.discount == 3_400)
    assert len(at_flash) == 5
    assert await LineDiscount.count() == 5
    figures = await promotion_of(await promoter(product["supplier_id"]), flash.id)
    assert figures.used == 5
    # The rest were refused (409) or, once the quote saw none left, sold at the full price.
    full = await OrderLine.select().where(OrderLine.discount == 0)
    assert len(full) == results.count("placed") - 5


async def test_racing_claims_never_hand_out_more_coupons_than_exist(db: Engine) -> None:
    coupon = await make_promotion("coupon", amount=500, threshold=1_000, total=3, per_consumer=1)
    people = [await make_user() for _ in range(8)]

    async def claim(n: int) -> str:
        try:
            await claim_coupon(coupon.id, people[n % 4].id)
        except PromotionUsedUp as refused:
            assert refused.status_code == 409
            return "refused"
        return "claimed"

    results = await asyncio.gather(*(claim(n) for n in range(8)))
    assert results.count("claimed") == 3
    held = [len(await wallet(p.id)) for p in people[:4]]
    assert sum(held) == 3 and max(held) == 1


async def test_a_cancelled_unpaid_order_gives_its_coupon_back(db: Engine) -> None:
    from fulfilment.orders import cancel_order

    store = await make_store(BEIJING)
    variant = (await make_product(prices=(10_000,)))["variant_ids"][0]
    await stock(store, variant, 5)
    coupon = await make_promotion("coupon", amount=1_000, threshold=5_000, total=1)
    buyer = await make_user()
    held = await claim_coupon(coupon.id, buyer.id)

    order = await make_order(buyer.id, [(variant, 1)], location_id=store)  # best coupon: auto
    assert order.discount == 1_000
    assert [c.state for c in await wallet(buyer.id)] == ["used"]

    await cancel_order(order.id, actor_id=buyer.id, customer_id=buyer.id)
    assert [(c.code, c.state) for c in await wallet(buyer.id)] == [(held.code, "unused")]
    figures = await promotion_of(await promoter(), coupon.id)
    assert (figures.used, figures.given) == (0, 0)
    again = await make_order(buyer.id, [(variant, 1)], location_id=store)
    assert again.discount == 1_000


async def test_an_order_left_unpaid_gives_its_code_and_flash_units_back(db: Engine) -> None:
    from datetime import timedelta

    from fulfilment.moves import now_utc
    from fulfilment.sweeps import cancel_unpaid_orders

    store = await make_store(BEIJING)
    product = await make_product(prices=(10_000,))
    variant = product["variant_ids"][0]
    await stock(store, variant, 10)
    flash = await make_promotion(
        "flash_price",
        supplier_id=product["supplier_id"],
        variant_id=variant,
        flash_price=8_000,
        total=1,
        per_consumer=1,
    )
    code = await make_promotion("coupon", code="ONCE", amount=500, total=0, per_consumer=1)
    buyer = await make_user()

    from fulfilment.checkout import LineRequest
    from fulfilment.orders import PlaceOrder, place_order

    def order(key: str) -> PlaceOrder:
        return PlaceOrder(
            channel="online",
            customer_id=buyer.id,
            lines=[LineRequest(variant, 1)],
            method="pickup",
            payment_method="sandbox",
            idempotency_key=key,
            position=BEIJING,
            location_id=store,
            coupons=["ONCE"],
        )

    first = (await place_order(order("a"))).order
    assert first.discount == 2_000 + 500
    try:
        await place_order(order("b"))
    except PromotionUsedUp:
        pass
    else:  # pragma: no cover
        raise AssertionError("a code limited to one use per person was used twice")

    assert await cancel_unpaid_orders(now_utc() + timedelta(days=1)) == [first.id]
    operator = await promoter()
    assert (await promotion_of(operator, code.id)).used == 0
    figures = await promotion_of(await promoter(product["supplier_id"]), flash.id)
    assert (figures.used, figures.given) == (0, 0)
    again = (await place_order(order("c"))).order
    assert again.discount == 2_500
