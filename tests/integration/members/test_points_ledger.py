"""Points: one ledger for online and counter sales, exact reversal on refund, levels by spend."""

from __future__ import annotations

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from accounts.tables import User
from fulfilment.checkout import LineRequest
from fulfilment.errors import InvalidOrder
from fulfilment.payment_events import pay_in_sandbox
from fulfilment.pos_sales import sell_walk_in
from fulfilment.tables import Order
from members.cards import find_member, qr_text
from members.errors import MemberNotFound, NotEnoughPoints
from members.levels import LevelInput, set_levels
from members.points import ensure_member
from members.tables import Member, PointsEntry
from members.views import member_view
from payments.service import refund_order_payments
from payments.tables import Payment
from tests.support.factories import make_order, make_product, make_store, make_user, stock


async def ledger_sums_to_balance(user_id: int) -> int:
    member = await Member.select().where(Member.user_id == user_id).first()
    rows = await PointsEntry.select().where(PointsEntry.member_id == member["id"])
    assert sum(r["delta"] for r in rows) == member["points"]
    return member["points"]


async def paid_online_order(consumer_id: int, store: int, variant: int, qty: int = 1):
    order = await make_order(consumer_id, [(variant, qty)], location_id=store)
    await pay_in_sandbox(order.payment.id, consumer_id, "succeeded")
    return order


async def test_pos_and_online_points_land_in_one_ledger(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product(prices=(2599,)))["variant_ids"][0]
    await stock(store, variant, 10)
    consumer = await make_user()
    await User.update({User.phone: "13812345678"}).where(User.id == consumer.id)
    staff = await make_user(Role.STAFF, store_ids=[store], name="收银员")

    await paid_online_order(consumer.id, store, variant)
    # At the counter the member shows the QR code, or staff type the phone number.
    code = (await member_view(consumer.id)).qr
    assert await find_member(code=code) == consumer.id
    assert await find_member(phone="13812345678") == consumer.id
    member = await find_member(code=code)
    sale = await sell_walk_in(
        store, staff, [LineRequest(variant, 2)], "cash", 6000, member_id=member
    )

    rows = await PointsEntry.select().order_by(PointsEntry.id)
    assert [(r["channel"], r["delta"], r["reason"]) for r in rows] == [
        ("online", 25, "earned"),
        ("pos", 51, "earned"),
    ]
    assert rows[1]["order_id"] == sale.id
    assert await ledger_sums_to_balance(consumer.id) == 76
    view = await member_view(consumer.id)
    assert view.points == 76 and view.spend == 2599 * 3 and len(view.history) == 2
    with pytest.raises(MemberNotFound):
        await find_member(phone="10000000000")
    with pytest.raises(MemberNotFound):
        await find_member(code=qr_text("nope"))


async def test_refunds_take_back_exactly_what_the_order_earned(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product(prices=(2599,)))["variant_ids"][0]
    await stock(store, variant, 10)
    consumer = await make_user()
    kept = await paid_online_order(consumer.id, store, variant)
    order = await paid_online_order(consumer.id, store, variant, 2)  # 5198 fen: 51 points
    assert await ledger_sums_to_balance(consumer.id) == 25 + 51

    await refund_order_payments(order_id=order.id, amount=1000, reason="少发一件")
    assert await ledger_sums_to_balance(consumer.id) == 25 + 51 - 51 * 1000 // 5198
    await refund_order_payments(order_id=order.id, reason="全部退款")
    assert await ledger_sums_to_balance(consumer.id) == 25

    taken = await PointsEntry.select().where(
        (PointsEntry.order_id == order.id) & (PointsEntry.reason == "reversed")
    )
    assert sum(r["delta"] for r in taken) == -51
    assert sum(r["spend"] for r in taken) == -5198
    assert (await member_view(consumer.id)).spend == kept.total


async def test_level_changes_when_spend_crosses_a_threshold(db: Engine) -> None:
    await set_levels([LevelInput("银卡", "Silver", 0), LevelInput("金卡", "Gold", 5000)])
    store = await make_store()
    variant = (await make_product(prices=(3000,)))["variant_ids"][0]
    await stock(store, variant, 10)
    consumer = await make_user()
    await ensure_member(consumer.id)

    first = await paid_online_order(consumer.id, store, variant)
    view = await member_view(consumer.id)
    assert view.level is not None and view.level.name_en == "Silver"
    assert view.next_level is not None and view.progress == 60

    await paid_online_order(consumer.id, store, variant)
    view = await member_view(consumer.id)
    assert view.level is not None and view.level.name_en == "Gold" and view.progress == 100
    gold = (await Member.select().where(Member.user_id == consumer.id).first())["level_id"]
    assert gold == view.level.id

    await refund_order_payments(order_id=first.id, reason="退货")  # back below 5000 fen
    view = await member_view(consumer.id)
    assert view.level is not None and view.level.name_en == "Silver"


async def test_points_pay_part_of_a_counter_sale_within_the_limit_and_come_back_on_refund(
    db: Engine,
) -> None:
    store = await make_store()
    variant = (await make_product(prices=(10000,)))["variant_ids"][0]
    await stock(store, variant, 10)
    staff = await make_user(Role.STAFF, store_ids=[store], name="收银员")
    consumer = await make_user()
    for _ in range(2):  # 2 × ¥100 online: 200 points
        await paid_online_order(consumer.id, store, variant)
    assert await ledger_sums_to_balance(consumer.id) == 200

    with pytest.raises(NotEnoughPoints):  # more than the balance
        await sell_walk_in(
            store, staff, [LineRequest(variant, 1)], "card", member_id=consumer.id, points=201
        )
    with pytest.raises(InvalidOrder):  # no member found
        await sell_walk_in(store, staff, [LineRequest(variant, 1)], "card", points=10)
    sale = await sell_walk_in(
        store, staff, [LineRequest(variant, 1)], "cash", 9900, member_id=consumer.id, points=150
    )
    payment = await Payment.select().where(Payment.order_id == sale.id).first()
    assert payment["amount"] == 10000 - 150  # the counter took the rest
    # 200 - 150 spent + 98 earned on the ¥98.50 paid
    assert await ledger_sums_to_balance(consumer.id) == 200 - 150 + 98

    await refund_order_payments(order_id=sale.id, reason="退货")
    assert await ledger_sums_to_balance(consumer.id) == 200
    # The two refused attempts were refused before anything was written: no order, no points.
    assert await Order.count() == 3 and not await Order.exists().where(Order.status == "cancelled")
