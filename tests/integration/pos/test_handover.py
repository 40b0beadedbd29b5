"""Handing over: a code works once even when two counters try at once; partial pickups."""

from __future__ import annotations

import asyncio

from piccolo.engine.base import Engine

from accounts.roles import Role
from fulfilment.pickup import AlreadyCollected, hand_over, mark_ready, ticket
from fulfilment.tables import Fulfilment, Order, OrderEvent
from locations.tables import StockLevel
from tests.support.factories import make_order, make_product, make_store, make_user, stock


async def ready_pickup(quantities: tuple[int, ...] = (1,)) -> dict:
    store = await make_store()
    product = await make_product(prices=tuple(1000 * (n + 1) for n in range(len(quantities))))
    for variant in product["variant_ids"]:
        await stock(store, variant, 5)
    staff = [await make_user(Role.STAFF, store_ids=[store], name=f"店员{n}") for n in (1, 2)]
    consumer = await make_user()
    order = await make_order(
        consumer.id,
        list(zip(product["variant_ids"], quantities, strict=True)),
        location_id=store,
        payment_method="in_store",
    )
    fid = order.fulfilments[0].id
    await mark_ready(store, fid, staff[0])
    return {"store": store, "staff": staff, "order": order, "fid": fid, **product}


async def test_two_counters_handing_over_at_once_only_one_succeeds(db: Engine) -> None:
    p = await ready_pickup()

    async def attempt(person) -> str:
        try:
            await hand_over(p["store"], p["fid"], person, payment_method="cash")
            return "handed"
        except AlreadyCollected:
            return "refused"

    results = await asyncio.gather(*(attempt(person) for person in p["staff"]))

    assert sorted(results) == ["handed", "refused"]
    collected = await OrderEvent.count().where(
        (OrderEvent.fulfilment == p["fid"]) & (OrderEvent.kind == "collected")
    )
    assert collected == 1
    level = await StockLevel.select().where(StockLevel.variant == p["variant_ids"][0]).first()
    assert (level["on_hand"], level["reserved"]) == (4, 0)


async def test_partial_pickup_keeps_the_rest_ready_under_a_new_code(db: Engine) -> None:
    p = await ready_pickup((1, 2))
    lines = (await ticket(p["store"], p["fid"])).lines
    first = next(line for line in lines if line.variant_id == p["variant_ids"][0])

    done = await hand_over(
        p["store"], p["fid"], p["staff"][0], line_ids=[first.id], payment_method="qr"
    )

    rest = await Fulfilment.select().where(Fulfilment.id == done.rest_id).first()
    assert rest["status"] == "ready_for_pickup" and rest["short_code"]
    assert [line.variant_id for line in (await ticket(p["store"], rest["id"])).lines] == [
        p["variant_ids"][1]
    ]
    order = await Order.select(Order.status).where(Order.id == p["order"].id).first()
    assert order["status"] == "paid"  # not complete until the rest is collected
    await hand_over(p["store"], rest["id"], p["staff"][1])
    order = await Order.select(Order.status).where(Order.id == p["order"].id).first()
    assert order["status"] == "completed"
