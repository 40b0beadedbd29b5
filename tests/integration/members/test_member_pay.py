"""Member prices and points as part payment, online and at the counter (both databases).

Line discounts (member price, promotions and points together) sum to what the buyer paid;
points spent online land in the one ledger; a cancel or a refund gives back exactly; two
orders racing for one balance cannot overspend it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from fulfilment.checkout import CheckoutRequest, LineRequest, quote
from fulfilment.money import lines_paid
from fulfilment.moves import now_utc
from fulfilment.orders import cancel_order
from fulfilment.payment_events import pay_in_sandbox
from fulfilment.pos_sales import sell_walk_in
from fulfilment.sweeps import cancel_unpaid_orders
from fulfilment.tables import Order, OrderLine
from members.errors import InvalidMemberPrice, NotEnoughPoints
from members.levels import LevelInput, set_levels
from members.member_prices import MemberPriceInput, member_prices_of, set_member_prices
from members.tables import Member, PointsEntry
from payments.service import refund_order_payments
from payments.tables import Payment
from tests.support.factories import make_order, make_product, make_store, make_user, stock
from tests.support.promotions import make_promotion


async def balance(user_id: int) -> int:
    """The member's balance, checked against the sum of their ledger rows."""
    member = await Member.select().where(Member.user_id == user_id).first()
    rows = await PointsEntry.select().where(PointsEntry.member_id == member["id"])
    assert sum(r["delta"] for r in rows) == member["points"]
    assert member["points"] >= 0
    return member["points"]


async def paid_order(consumer_id: int, store: int, lines: list[tuple[int, int]], **extra):
    order = await make_order(consumer_id, lines, location_id=store, **extra)
    await pay_in_sandbox(order.payment.id, consumer_id, "succeeded")
    return order


async def order_money(order_id: int) -> tuple[int, int, int]:
    """(order total, sum of line_paid, what the payments took)."""
    order = await Order.select().where(Order.id == order_id).first()
    lines = await OrderLine.select().where(OrderLine.order == order_id)
    payments = await Payment.select().where(Payment.order_id == order_id)
    return order["total"], lines_paid(lines), sum(p["amount"] for p in payments)


async def shop(prices: tuple[int, ...], units: int = 20) -> tuple[int, dict, list[int]]:
    store = await make_store()
    product = await make_product(prices=prices)
    for variant in product["variant_ids"]:
        await stock(store, variant, units)
    return store, product, product["variant_ids"]


async def test_points_pay_part_of_an_online_order_and_come_back_when_it_is_cancelled(
    db: Engine,
) -> None:
    store, _, (variant,) = await shop((10000,))
    consumer = await make_user()
    for _ in range(2):  # ¥200 paid: 200 points
        await paid_order(consumer.id, store, [(variant, 1)])
    assert await balance(consumer.id) == 200

    with pytest.raises(NotEnoughPoints):  # above half of the ¥100 goods
        await make_order(consumer.id, [(variant, 1)], location_id=store, points=5001)
    assert await Order.count() == 2  # refused before anything was written

    order = await make_order(consumer.id, [(variant, 1)], location_id=store, points=150)
    assert order.points_paid == 150 and order.total == 10000 - 150
    assert await order_money(order.id) == (9850, 9850, 9850)
    assert await balance(consumer.id) == 50
    spent = await PointsEntry.select().where(PointsEntry.order_id == order.id)
    assert [(r["reason"], r["delta"], r["channel"]) for r in spent] == [("spent", -150, "online")]

    await cancel_order(order.id, actor_id=consumer.id, customer_id=consumer.id)
    assert await balance(consumer.id) == 200  # all of it back, and nothing earned

    # An order left unpaid until the sweep cancels it gives its points back the same way.
    unpaid = await make_order(consumer.id, [(variant, 1)], location_id=store, points=200)
    assert await balance(consumer.id) == 0
    assert await cancel_unpaid_orders(now_utc() + timedelta(minutes=31)) == [unpaid.id]
    assert await balance(consumer.id) == 200
    restored = await PointsEntry.select().where(PointsEntry.order_id == unpaid.id)
    assert sorted(r["delta"] for r in restored) == [-200, 200]


async def test_online_points_earn_on_the_money_and_refunds_give_them_back_in_proportion(
    db: Engine,
) -> None:
    store, _, (dear, cheap) = await shop((10000, 5000))
    consumer = await make_user()
    await paid_order(consumer.id, store, [(dear, 3)])  # 300 points
    order = await paid_order(consumer.id, store, [(dear, 1), (cheap, 1)], points=300)
    # ¥150 of goods, ¥3 in points: ¥147 paid, 147 points earned on it.
    assert await order_money(order.id) == (14700, 14700, 14700)
    assert await balance(consumer.id) == 300 - 300 + 147
    lines = {r["variant"]: r for r in await OrderLine.select().where(OrderLine.order == order.id)}
    assert lines[dear]["discount"] == 200 and lines[cheap]["discount"] == 100

    # The cheap line comes back: its money, and its share of the points spent and earned.
    await refund_order_payments(order_id=order.id, amount=4900, reason="退货")
    assert await balance(consumer.id) == 147 + 300 * 4900 // 14700 - 147 * 4900 // 14700
    await refund_order_payments(order_id=order.id, reason="全部退款")
    assert await balance(consumer.id) == 300  # exactly as before the order


async def test_two_orders_racing_for_one_balance_cannot_overspend_it(db: Engine) -> None:
    store, _, (variant,) = await shop((10000,))
    consumer = await make_user()
    await paid_order(consumer.id, store, [(variant, 2)])  # 200 points
    results = await asyncio.gather(
        make_order(consumer.id, [(variant, 1)], location_id=store, points=150),
        make_order(consumer.id, [(variant, 1)], location_id=store, points=150),
        return_exceptions=True,
    )
    placed = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(placed) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], NotEnoughPoints)
    assert await balance(consumer.id) == 50
    assert await Order.count() == 2  # the paid one and the winner


async def test_member_price_applies_online_and_at_the_counter_before_promotions(
    db: Engine,
) -> None:
    await set_levels([LevelInput("银卡", "Silver", 0), LevelInput("金卡", "Gold", 20000)])
    store, product, (variant,) = await shop((10000,))
    gold = await make_user()
    await paid_order(gold.id, store, [(variant, 2)])  # ¥200 spent: gold
    plain = await make_user()
    staff = await make_user(Role.STAFF, store_ids=[store], name="收银员")
    levels = {
        lv.name_en: lv.id
        for lv in await set_levels(
            [LevelInput("银卡", "Silver", 0), LevelInput("金卡", "Gold", 20000)]
        )
    }
    views = await set_member_prices(
        product["supplier_id"],
        product["id"],
        [MemberPriceInput(variant, 8000, levels["Gold"])],
    )
    assert views[variant].price == 8000 and views[variant].level_en == "Gold"
    # The supplier's 满减 is measured on the member price: ¥160 reaches 满150减20.
    await make_promotion(
        "full_reduction", supplier_id=product["supplier_id"], tiers=[(15000, 2000)]
    )

    mine = await quote(
        CheckoutRequest([LineRequest(variant, 2)], "pickup", location_id=store, customer_id=gold.id)
    )
    theirs = await quote(
        CheckoutRequest(
            [LineRequest(variant, 2)], "pickup", location_id=store, customer_id=plain.id
        )
    )
    assert mine.pricing.member_discount == 4000 and mine.total == 20000 - 4000 - 2000
    assert theirs.pricing.member_discount == 0 and theirs.total == 20000 - 2000

    online = await paid_order(gold.id, store, [(variant, 2)])
    assert await order_money(online.id) == (14000, 14000, 14000)

    counter = await sell_walk_in(store, staff, [LineRequest(variant, 1)], "card", member_id=gold.id)
    walk_in = await sell_walk_in(store, staff, [LineRequest(variant, 1)], "card")
    assert await order_money(counter.id) == (8000, 8000, 8000)
    assert await order_money(walk_in.id) == (10000, 10000, 10000)

    # A refund of the online order gives back exactly what was paid, to the fen.
    await refund_order_payments(order_id=online.id, reason="退货")
    refunded = await Payment.select().where(Payment.order_id == online.id).first()
    assert refunded["refunded_amount"] == 14000


async def test_a_member_price_is_checked_and_can_be_removed(db: Engine) -> None:
    levels = await set_levels([LevelInput("银卡", "Silver", 0)])
    _, product, (variant,) = await shop((10000,))
    other = await make_product(prices=(5000,))
    supplier, pid = product["supplier_id"], product["id"]
    for bad in (
        MemberPriceInput(variant, 10000, levels[0].id),  # not below the list price
        MemberPriceInput(variant, -1, levels[0].id),
        MemberPriceInput(variant, 9000, levels[0].id + 99),  # no such level
        MemberPriceInput(other["variant_ids"][0], 4000, levels[0].id),  # not this product
    ):
        with pytest.raises(InvalidMemberPrice):
            await set_member_prices(supplier, pid, [bad])
    with pytest.raises(InvalidMemberPrice):  # another supplier's product
        await set_member_prices(other["supplier_id"], pid, [MemberPriceInput(variant, 9000)])
    await set_member_prices(supplier, pid, [MemberPriceInput(variant, 9000, levels[0].id)])
    assert (await member_prices_of([variant]))[variant].price == 9000
    # Saving the same thresholds keeps the level (and the member price's link to it).
    again = await set_levels([LevelInput("白银", "Silver", 0), LevelInput("金卡", "Gold", 50000)])
    assert again[0].id == levels[0].id
    assert (await member_prices_of([variant]))[variant].level_zh == "白银"
    await set_member_prices(supplier, pid, [MemberPriceInput(variant, 0)])
    assert await member_prices_of([variant]) == {}


async def test_points_at_the_counter_are_line_discounts_and_the_member_price_comes_first(
    db: Engine,
) -> None:
    await set_levels([LevelInput("银卡", "Silver", 0)])
    levels = await set_levels([LevelInput("银卡", "Silver", 0)])
    store, product, (variant,) = await shop((10000,))
    staff = await make_user(Role.STAFF, store_ids=[store])
    member = await make_user()
    await paid_order(member.id, store, [(variant, 1)])  # 100 points
    await set_member_prices(
        product["supplier_id"], product["id"], [MemberPriceInput(variant, 9000, levels[0].id)]
    )
    sale = await sell_walk_in(
        store, staff, [LineRequest(variant, 1)], "cash", 9000, member_id=member.id, points=100
    )
    assert sale.points_paid == 100 and sale.total == 9000 - 100
    assert await order_money(sale.id) == (8900, 8900, 8900)
    assert await balance(member.id) == 100 - 100 + 89
