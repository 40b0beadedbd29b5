"""Walk-in sales from the same stock, the last-unit race, and pickup reminders and expiry."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from catalog.tables import Product, Variant
from core.errors import InvalidInput, PermissionDenied
from fulfilment.checkout import LineRequest
from fulfilment.errors import InvalidOrder, OutOfStock
from fulfilment.expiry import expire_pickups, remind_expiring_pickups
from fulfilment.moves import now_utc
from fulfilment.orders import mark_order_paid
from fulfilment.pickup import mark_ready
from fulfilment.pos_sales import count_stock, sell_walk_in, store_goods
from fulfilment.sweeps import run_sweeps
from fulfilment.tables import Fulfilment, Order
from locations.tables import StockLevel, StockMovement
from notifications.tables import Notification
from payments.tables import Payment, Refund
from tests.support.factories import make_order, make_product, make_store, make_user, stock
from tests.support.stock import stock_level as level


async def shop(units: int = 1) -> tuple[int, int, object]:
    store = await make_store()
    variant = (await make_product(prices=(2500,)))["variant_ids"][0]
    await stock(store, variant, units)
    staff = await make_user(Role.STAFF, store_ids=[store], name="收银员")
    return store, variant, staff


async def test_walk_in_sale_sells_from_store_stock_and_completes_paid(db: Engine) -> None:
    store, variant, staff = await shop(3)

    sale = await sell_walk_in(store, staff, [LineRequest(variant, 2)], "qr")

    assert sale.channel == "pos" and sale.status == "completed"
    assert sale.customer_id is None and sale.total == 5000
    assert await level(store, variant) == (1, 0)
    payment = await Payment.select().where(Payment.order_id == sale.id).first()
    assert payment["status"] == "succeeded" and payment["method"] == "qr"
    sold = await StockMovement.count().where(
        (StockMovement.reference == sale.number) & (StockMovement.reason == "sale")
    )
    assert sold == 1
    product = (
        await Product.select(Product.sales_count)
        .where(
            Product.id
            == (await Variant.select(Variant.product).where(Variant.id == variant).first())[
                "product"
            ]
        )
        .first()
    )
    assert product["sales_count"] == 2  # search's "sort by sales" counts it
    with pytest.raises(OutOfStock):
        await sell_walk_in(store, staff, [LineRequest(variant, 2)], "cash")
    with pytest.raises(InvalidOrder):
        await sell_walk_in(store, staff, [LineRequest(variant, 1)], "bitcoin")


async def test_pos_sale_and_online_order_racing_for_the_last_unit_one_wins(db: Engine) -> None:
    store, variant, staff = await shop(1)
    consumer = await make_user()

    async def online() -> str:
        try:
            await make_order(consumer.id, [(variant, 1)], location_id=store)
            return "won"
        except (OutOfStock, InvalidOrder):
            return "lost"

    async def walk_in() -> str:
        try:
            await sell_walk_in(store, staff, [LineRequest(variant, 1)], "cash")
            return "won"
        except (OutOfStock, InvalidOrder):
            return "lost"

    for _ in range(3):
        results = await asyncio.gather(online(), walk_in())
        assert sorted(results) == ["lost", "won"]
        on_hand, reserved = await level(store, variant)
        assert on_hand - reserved == 0  # nothing oversold, nothing left
        # Put the unit back for the next round.
        await Order.update({Order.status: "cancelled"}).where(Order.status == "pending_payment")
        await StockLevel.update({StockLevel.on_hand: 1, StockLevel.reserved: 0}).where(
            StockLevel.variant == variant
        )


async def ready_paid_pickup() -> dict:
    store, variant, staff = await shop(2)
    consumer = await make_user(name="王芳")
    order = await make_order(consumer.id, [(variant, 2)], location_id=store)
    payment = await Payment.select().where(Payment.order_id == order.id).first()
    await Payment.update({Payment.status: "succeeded"}).where(Payment.id == payment["id"])
    await mark_order_paid(order.id, payment_id=payment["id"])
    ready = await mark_ready(store, order.fulfilments[0].id, staff)
    return {
        "store": store,
        "variant": variant,
        "consumer": consumer,
        "order": order,
        "ready": ready,
    }


async def test_reminder_a_day_before_then_expiry_releases_stock_and_refunds(db: Engine) -> None:
    p = await ready_paid_pickup()
    deadline = p["ready"].pickup_deadline
    assert await level(p["store"], p["variant"]) == (2, 2)

    assert await remind_expiring_pickups(deadline - timedelta(days=2)) == []
    reminded = await remind_expiring_pickups(deadline - timedelta(hours=20))
    assert reminded == [p["ready"].id]
    assert await remind_expiring_pickups(deadline - timedelta(hours=10)) == []  # once only
    kinds = [
        n["kind"]
        for n in await Notification.select(Notification.kind).where(
            Notification.user_id == p["consumer"].id
        )
    ]
    assert kinds == ["paid", "ready_for_pickup", "pickup_expiring"]
    assert await expire_pickups(deadline - timedelta(minutes=1)) == []

    await run_sweeps(deadline + timedelta(minutes=1))

    f = await Fulfilment.select(Fulfilment.status).where(Fulfilment.id == p["ready"].id).first()
    assert f["status"] == "expired"
    assert await level(p["store"], p["variant"]) == (2, 0)
    order = await Order.select(Order.status).where(Order.id == p["order"].id).first()
    assert order["status"] == "cancelled"
    refund = await Refund.select(Refund.amount).first()
    assert refund["amount"] == 5000
    last = (
        await Notification.select(Notification.kind)
        .where(Notification.user_id == p["consumer"].id)
        .order_by(Notification.id, ascending=False)
        .first()
    )
    assert last["kind"] == "pickup_expired"


async def test_ready_codes_are_unique_in_the_store_and_deadline_follows_hold_days(
    db: Engine,
) -> None:
    p = await ready_paid_pickup()
    assert len(p["ready"].short_code) == 8
    held = p["ready"].pickup_deadline - now_utc()
    assert timedelta(days=2, hours=23) < held <= timedelta(days=3)


async def test_store_stock_count_with_reason_only_at_own_store(db: Engine) -> None:
    store, variant, staff = await shop(5)
    other = await make_store()
    stranger = await make_user(Role.STAFF, store_ids=[other])

    counted = await count_stock(store, staff, variant_id=variant, reason="count", on_hand=3)
    assert counted.on_hand == 3
    damaged = await count_stock(store, staff, variant_id=variant, reason="damage", delta=-1)
    assert damaged.on_hand == 2
    assert [i.variant_id for i in await store_goods(store)] == [variant]
    with pytest.raises(PermissionDenied):
        await count_stock(store, stranger, variant_id=variant, reason="count", on_hand=9)
    with pytest.raises(InvalidInput):
        await count_stock(store, staff, variant_id=variant, reason="whim", on_hand=9)
    reasons = [
        m["reason"]
        for m in await StockMovement.select(StockMovement.reason)
        .where(StockMovement.actor_id == staff.id)
        .order_by(StockMovement.id)
    ]
    assert reasons == ["count", "damage"]
