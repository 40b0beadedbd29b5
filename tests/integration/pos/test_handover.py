"""Handing over: only on this pickup's code, once even when two counters try; partial pickups."""

from __future__ import annotations

import asyncio

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from core.errors import InvalidInput, TooManyAttempts
from fulfilment.errors import WrongPickupCode
from fulfilment.pickup import AlreadyCollected, hand_over, mark_ready, ticket
from fulfilment.pickup.queue import key_ring
from fulfilment.pickup_codes import token_for
from fulfilment.tables import Fulfilment, Order, OrderEvent
from locations.tables import StockLevel
from tests.support.factories import (
    counter_limiter,
    make_order,
    make_product,
    make_store,
    make_user,
    pickup_code,
    stock,
)
from tests.support.stock import assert_ledger_matches_levels, stock_level


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
    return {
        "store": store,
        "staff": staff,
        "order": order,
        "fid": fid,
        "code": await pickup_code(fid),
        **product,
    }


async def qr_token(fulfilment_id: int) -> str:
    """The token the customer's QR code carries, as the consumer's page draws it."""
    row = await Fulfilment.select().where(Fulfilment.id == fulfilment_id).first()
    return token_for(row["id"], row["location"], row["token_nonce"], key_ring())


async def test_two_counters_handing_over_at_once_only_one_succeeds(db: Engine) -> None:
    p = await ready_pickup()

    limiter = counter_limiter()

    async def attempt(person) -> str:
        try:
            await hand_over(p["store"], p["fid"], person, p["code"], limiter, payment_method="cash")
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
        p["store"],
        p["fid"],
        p["staff"][0],
        p["code"],
        counter_limiter(),
        line_ids=[first.id],
        payment_method="qr",
    )

    rest = await Fulfilment.select().where(Fulfilment.id == done.rest_id).first()
    assert rest["status"] == "ready_for_pickup" and rest["short_code"]
    assert [line.variant_id for line in (await ticket(p["store"], rest["id"])).lines] == [
        p["variant_ids"][1]
    ]
    order = await Order.select(Order.status).where(Order.id == p["order"].id).first()
    assert order["status"] == "paid"  # not complete until the rest is collected
    assert rest["short_code"] != p["code"]  # the old code does not open the rest
    with pytest.raises(WrongPickupCode):
        await hand_over(p["store"], rest["id"], p["staff"][1], p["code"], counter_limiter())
    await hand_over(p["store"], rest["id"], p["staff"][1], rest["short_code"], counter_limiter())
    order = await Order.select(Order.status).where(Order.id == p["order"].id).first()
    assert order["status"] == "completed"


async def test_a_handover_without_a_code_is_refused(db: Engine) -> None:
    p = await ready_pickup()

    with pytest.raises(InvalidInput):
        await hand_over(p["store"], p["fid"], p["staff"][0], "  ", counter_limiter())

    row = await Fulfilment.select(Fulfilment.status).where(Fulfilment.id == p["fid"]).first()
    assert row["status"] == "ready_for_pickup"


async def test_another_pickups_code_is_refused_and_nothing_changes(db: Engine) -> None:
    p = await ready_pickup()
    other = await ready_pickup()
    limiter = counter_limiter()
    staff = p["staff"][0]
    before = await Order.select(Order.status).where(Order.id == p["order"].id).first()

    for wrong in (other["code"], await qr_token(other["fid"])):
        with pytest.raises(WrongPickupCode) as refused:
            await hand_over(p["store"], p["fid"], staff, wrong, limiter, payment_method="cash")
        assert refused.value.status_code == 403
        assert refused.value.message == "This code is not the code of this pickup"

    row = await Fulfilment.select(Fulfilment.status).where(Fulfilment.id == p["fid"]).first()
    assert row["status"] == "ready_for_pickup"
    assert await stock_level(p["store"], p["variant_ids"][0]) == (5, 1)  # still reserved
    assert await Order.select(Order.status).where(Order.id == p["order"].id).first() == before
    assert await OrderEvent.count().where(OrderEvent.kind == "collected") == 0
    assert await limiter.failures(staff.id, p["store"]) == 2
    await assert_ledger_matches_levels()


async def test_wrong_codes_at_handover_count_toward_the_lockout(db: Engine) -> None:
    p = await ready_pickup()
    other = await ready_pickup()
    limiter = counter_limiter()
    staff = p["staff"][0]

    for _ in range(limiter.limit):
        with pytest.raises(WrongPickupCode):
            await hand_over(p["store"], p["fid"], staff, other["code"], limiter)

    with pytest.raises(TooManyAttempts):
        await hand_over(p["store"], p["fid"], staff, p["code"], limiter, payment_method="cash")


@pytest.mark.parametrize("kind", ["short code", "QR token"])
async def test_the_pickups_own_code_hands_it_over(db: Engine, kind: str) -> None:
    p = await ready_pickup()
    code = p["code"] if kind == "short code" else await qr_token(p["fid"])
    limiter = counter_limiter()

    done = await hand_over(
        p["store"], p["fid"], p["staff"][0], code, limiter, payment_method="cash"
    )

    assert done.status == "collected"
    assert await stock_level(p["store"], p["variant_ids"][0]) == (4, 0)
    order = await Order.select(Order.status).where(Order.id == p["order"].id).first()
    assert order["status"] == "completed"
    assert await limiter.failures(p["staff"][0].id, p["store"]) == 0
    await assert_ledger_matches_levels()
