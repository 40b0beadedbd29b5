"""Placing orders: reservations all-or-nothing, routing, idempotency, concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import pytest
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from fulfilment.checkout import LineRequest
from fulfilment.errors import IllegalTransition, OutOfStock
from fulfilment.hours import STORE_TZ
from fulfilment.moves import now_utc
from fulfilment.orders import (
    PlaceOrder,
    cancel_order,
    confirm_receipt,
    mark_order_paid,
    place_order,
)
from fulfilment.placing import order_number
from fulfilment.shipments import mark_delivered, ship_fulfilment, supplier_fulfilments
from fulfilment.sweeps import auto_confirm_orders, cancel_unpaid_orders
from fulfilment.tables import Order, OrderEvent
from fulfilment.views import load_order
from tests.support.factories import (
    BEIJING,
    SHANGHAI,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
    unique,
)
from tests.support.stock import assert_ledger_matches_levels
from tests.support.stock import stock_level as level


async def test_fifty_buyers_racing_for_the_last_ten_units_ten_win(db: Engine) -> None:
    store = await make_store(BEIJING)
    variant = (await make_product(prices=(1990,)))["variant_ids"][0]
    await stock(store, variant, 10)
    buyers = [await make_user() for _ in range(5)]

    async def buy(n: int) -> str:
        try:
            await make_order(buyers[n % 5].id, [(variant, 1)], location_id=store)
        except OutOfStock as refused:
            assert refused.extra["lines"][0]["variant_id"] == variant
            return "refused"
        return "placed"

    results = await asyncio.gather(*(buy(n) for n in range(50)))
    assert results.count("placed") == 10
    assert results.count("refused") == 40
    assert await level(store, variant) == (10, 10)
    assert await Order.count() == 10
    await assert_ledger_matches_levels()


async def test_two_suppliers_delivery_becomes_one_order_with_a_fulfilment_each(db: Engine) -> None:
    north, south = await make_supplier(), await make_supplier()
    tea = (await make_product(supplier_id=north, prices=(5000,)))["variant_ids"][0]
    rice = (await make_product(supplier_id=south, prices=(12000,)))["variant_ids"][0]
    north_wh = await make_store(BEIJING, kind="warehouse")
    south_wh = await make_store(SHANGHAI, kind="warehouse")
    await stock(north_wh, tea, 5)
    await stock(south_wh, rice, 5)
    buyer = await make_user()

    order = await make_order(buyer.id, [(tea, 1), (rice, 2)], method="delivery")

    assert len(order.fulfilments) == 2
    by_supplier = {f.supplier_id: f for f in order.fulfilments}
    assert by_supplier[north].location_id == north_wh
    assert [ln.variant_id for ln in by_supplier[north].lines] == [tea]
    assert by_supplier[south].location_id == south_wh
    assert order.subtotal == 5000 + 24000
    # ¥50 from the north supplier pays ¥10 shipping; ¥240 from the south ships free.
    assert order.shipping == 1000
    assert order.total == 30000
    north_view = await supplier_fulfilments(north)
    assert [f.id for f in north_view] == [by_supplier[north].id]
    assert {ln.variant_id for f in north_view for ln in f.lines} == {tea}
    assert await level(north_wh, tea) == (5, 1)
    assert await level(south_wh, rice) == (5, 2)


async def test_pickup_reserves_at_the_chosen_store_only(db: Engine) -> None:
    near_store = await make_store(BEIJING)
    far_store = await make_store((39.99, 116.48))
    variant = (await make_product())["variant_ids"][0]
    await stock(near_store, variant, 3)
    await stock(far_store, variant, 3)
    buyer = await make_user()

    order = await make_order(buyer.id, [(variant, 2)], location_id=far_store)

    assert [f.location_id for f in order.fulfilments] == [far_store]
    assert await level(far_store, variant) == (3, 2)
    assert await level(near_store, variant) == (3, 0)


async def test_pickup_defaults_to_the_nearest_store_holding_everything(db: Engine) -> None:
    nearest = await make_store(BEIJING)
    next_one = await make_store((39.93, 116.43))
    product = await make_product(prices=(1000, 2000))
    first, second = product["variant_ids"]
    await stock(nearest, first, 5)  # lacks the second variant
    await stock(next_one, first, 5)
    await stock(next_one, second, 5)
    buyer = await make_user()

    order = await make_order(buyer.id, [(first, 1), (second, 1)])

    assert [(f.method, f.location_id) for f in order.fulfilments] == [("pickup", next_one)]


@pytest.mark.parametrize("first_alone", [True, False], ids=["replayed", "sent-at-once"])
async def test_one_key_places_one_order_however_its_requests_arrive(
    db: Engine, first_alone: bool
) -> None:
    # Sent at once, on SQLite the requests' writes share one COMMIT (group commit): the ones
    # refused by the first order's key must still find that order, committed, to answer with.
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 5)
    buyer = await make_user()
    key = unique("key-")

    def place() -> Awaitable[Any]:
        return make_order(buyer.id, [(variant, 2)], location_id=store, key=key)

    placed = [await place()] if first_alone else []
    placed += await asyncio.gather(*(place() for _ in range(5)))

    assert len({o.id for o in placed}) == 1
    assert await Order.count() == 1
    assert await level(store, variant) == (5, 2)
    await assert_ledger_matches_levels()


async def test_order_numbers_are_the_local_date_and_the_id_beyond_six_digits_too(
    db: Engine,
) -> None:
    # The number is written by the INSERT itself (the id drawn in the same statement).
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 5)
    buyer = await make_user()
    first = await make_order(buyer.id, [(variant, 1)], location_id=store)
    # A busy year later: the ids have passed 999,999.
    row = await Order.select().where(Order.id == first.id).first()
    await Order.insert(Order(**{**row, "id": 1234566, "number": "old", "idempotency_key": None}))
    if isinstance(db, PostgresEngine):
        await Order.raw("SELECT setval(pg_get_serial_sequence('orders', 'id'), 1234566)")

    second = await make_order(buyer.id, [(variant, 1)], location_id=store)

    assert first.number == order_number(first.id, first.created_at)
    assert first.number == f"KQ{first.created_at.astimezone(STORE_TZ):%Y%m%d}-{first.id:06d}"
    assert second.id == 1234567
    assert second.number == order_number(1234567, second.created_at)
    assert second.number.endswith("-1234567")
    stored = await Order.select(Order.number).where(Order.id == second.id).first()
    assert stored["number"] == second.number


async def test_out_of_stock_writes_nothing_and_names_the_line(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 1)
    buyer = await make_user()

    with pytest.raises(OutOfStock) as refused:
        await make_order(buyer.id, [(variant, 3)], location_id=store)

    assert refused.value.extra["lines"][0]["requested"] == 3
    assert refused.value.extra["lines"][0]["available"] == 1
    assert await Order.count() == 0
    assert await level(store, variant) == (1, 0)


async def test_cancel_releases_stock_and_illegal_moves_are_refused(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 4)
    buyer = await make_user()
    order = await make_order(buyer.id, [(variant, 3)], location_id=store)

    cancelled = await cancel_order(order.id, actor_id=buyer.id, customer_id=buyer.id)

    assert cancelled.status == "cancelled"
    assert [f.status for f in cancelled.fulfilments] == ["cancelled"]
    assert await level(store, variant) == (4, 0)
    with pytest.raises(IllegalTransition, match="cancelled and cannot become completed"):
        await confirm_receipt(order.id, customer_id=buyer.id, actor_id=buyer.id)
    kinds = [e["kind"] for e in await OrderEvent.select().where(OrderEvent.order == order.id)]
    assert kinds[0] == "placed" and kinds.count("cancelled") == 2
    await assert_ledger_matches_levels()


async def test_delivery_ship_deliver_and_auto_confirm(db: Engine) -> None:
    supplier = await make_supplier()
    variant = (await make_product(supplier_id=supplier, prices=(20000,)))["variant_ids"][0]
    warehouse = await make_store(BEIJING, kind="warehouse")
    await stock(warehouse, variant, 2)
    buyer = await make_user()
    order = await make_order(buyer.id, [(variant, 1)], method="delivery")
    fulfilment = order.fulfilments[0]
    await mark_order_paid(order.id, payment_id=order.payment.id)

    shipped = await ship_fulfilment(
        supplier, fulfilment.id, carrier="顺丰速运", tracking_number="SF1234567890", actor_id=None
    )
    assert (shipped.status, shipped.tracking_number) == ("shipped", "SF1234567890")
    assert await level(warehouse, variant) == (1, 0)
    other = await make_supplier()
    with pytest.raises(Exception, match="was not found"):
        await mark_delivered(other, fulfilment.id, actor_id=None)
    await mark_delivered(supplier, fulfilment.id, actor_id=None)

    assert await auto_confirm_orders(now_utc()) == []
    assert await auto_confirm_orders(now_utc() + timedelta(days=8)) == [order.id]
    assert (await Order.select(Order.status).where(Order.id == order.id).first())[
        "status"
    ] == "completed"
    await assert_ledger_matches_levels()


async def test_unpaid_orders_are_cancelled_by_the_sweep(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 2)
    buyer = await make_user()
    unpaid = await make_order(buyer.id, [(variant, 1)], location_id=store)
    paid = await make_order(buyer.id, [(variant, 1)], location_id=store)
    await mark_order_paid(paid.id, payment_id=paid.payment.id)

    assert await cancel_unpaid_orders(now_utc() + timedelta(minutes=10)) == []
    assert await cancel_unpaid_orders(now_utc() + timedelta(minutes=31)) == [unpaid.id]
    assert await level(store, variant) == (2, 1)


async def test_pos_channel_places_a_walk_in_order_from_the_same_stock(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 1)
    placed = await place_order(
        PlaceOrder(
            channel="pos",
            customer_id=None,
            lines=[LineRequest(variant, 1)],
            method="pickup",
            payment_method="in_store",
            location_id=store,
            store_location_id=store,
        )
    )
    assert placed.created and placed.order.channel == "pos"
    assert placed.payment.pay_url is None
    with pytest.raises(OutOfStock):
        await make_order((await make_user()).id, [(variant, 1)], location_id=store)


async def test_every_move_is_announced_after_commit(db: Engine, monkeypatch) -> None:
    from core import realtime

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(realtime, "publish", lambda topic, event: sent.append((topic, event)))
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 2)
    buyer = await make_user()

    order = await make_order(buyer.id, [(variant, 1)], location_id=store)
    assert (f"location:{store}", "fulfilment_created") in [(t, e["type"]) for t, e in sent]
    assert (f"order:{order.id}", "placed") in [(t, e.get("kind")) for t, e in sent]
    sent.clear()
    await cancel_order(order.id, actor_id=buyer.id, customer_id=buyer.id)
    kinds = [(t, e["type"], e["status"]) for t, e in sent if t.startswith("order:")]
    assert (f"order:{order.id}", "order", "cancelled") in kinds
    assert (f"order:{order.id}", "fulfilment", "cancelled") in kinds


async def test_the_sweep_loop_cancels_stale_orders_and_stops_cleanly(db: Engine) -> None:
    from contextlib import suppress

    from fulfilment.sweeps import sweep_forever

    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 1)
    stale = await make_order((await make_user()).id, [(variant, 1)], location_id=store)
    await Order.update({Order.created_at: now_utc() - timedelta(hours=1)}).where(
        Order.id == stale.id
    )

    task = asyncio.create_task(sweep_forever(interval_s=0.01))
    for _ in range(200):
        await asyncio.sleep(0.02)
        row = await Order.select(Order.status).where(Order.id == stale.id).first()
        if row["status"] == "cancelled":
            break
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    assert task.done()
    assert row["status"] == "cancelled"
    assert await level(store, variant) == (1, 0)


async def test_cancelling_a_paid_order_refunds_it(db: Engine) -> None:
    from payments.service import confirm_offline_payment, payments_for_order

    store = await make_store()
    variant = (await make_product(prices=(4500,)))["variant_ids"][0]
    await stock(store, variant, 2)
    buyer = await make_user()
    order = await make_order(buyer.id, [(variant, 2)], location_id=store, payment_method="in_store")
    paid = await confirm_offline_payment(order_id=order.id, method="cash", actor_id=None)
    await mark_order_paid(order.id, payment_id=paid.payment_id)
    await mark_order_paid(order.id, payment_id=paid.payment_id)  # a repeat changes nothing

    cancelled = await cancel_order(order.id, actor_id=buyer.id, customer_id=buyer.id)

    assert cancelled.status == "cancelled"
    payment = (await payments_for_order(order.id))[-1]
    assert payment.refunded_amount == 9000
    assert await level(store, variant) == (2, 0)
    kinds = [e["kind"] for e in await OrderEvent.select().where(OrderEvent.order == order.id)]
    assert kinds.count("paid") == 1


@pytest.mark.parametrize("method", ["pickup", "delivery"])
async def test_the_placed_order_answer_is_the_order_as_stored(db: Engine, method: str) -> None:
    # place_order answers from the rows it wrote instead of reading them back: what the
    # consumer is told must be exactly what the order page will later show.
    north, south = await make_supplier(), await make_supplier()
    tea = (await make_product(supplier_id=north, prices=(5000,)))["variant_ids"][0]
    rice = (await make_product(supplier_id=south, prices=(12000,)))["variant_ids"][0]
    store = await make_store(BEIJING)
    await stock(store, tea, 5)
    await stock(store, rice, 5)
    buyer = await make_user()

    placed = await place_order(
        PlaceOrder(
            channel="online",
            customer_id=buyer.id,
            lines=[LineRequest(tea, 1), LineRequest(rice, 2)],
            method=method,
            payment_method="sandbox",
            idempotency_key="answer-as-stored",
            position=BEIJING,
            address={"name": "王芳", "phone": "13900000000", "detail": "朝阳路 1 号"}
            if method == "delivery"
            else {},
        )
    )

    stored = await load_order(placed.order.id, with_events=False, with_payment=False)
    assert placed.order == stored
    assert placed.order.number.startswith("KQ")
    assert sum(len(f.lines) for f in placed.order.fulfilments) == 2
