"""A pickup pinned to a store is placed there whole, or refused with 409: never reshaped.

The buyer chose the store; if it can no longer hold every line (another buyer took the
last unit meanwhile), the order is refused naming each line, how many were asked and what
each nearby store can give. No delivery parcel is added behind the buyer's back.
"""

from __future__ import annotations

import asyncio

import pytest
from piccolo.engine.base import Engine

from fulfilment.errors import InvalidOrder, OutOfStock
from fulfilment.tables import Fulfilment, Order
from tests.support.factories import make_order, make_product, make_store, make_user, stock
from tests.support.stock import assert_ledger_matches_levels
from tests.support.stock import stock_level as level

#: Two stores a few hundred metres apart in Beijing.
PINNED_AT = (39.9149, 116.4109)
NEXT_DOOR = (39.9170, 116.4120)


async def last_unit_at_a_pinned_store() -> dict:
    """The pinned store holds one unit; the store next door holds three."""
    pinned = await make_store(PINNED_AT, name="王府井店")
    next_door = await make_store(NEXT_DOOR, name="东单店")
    variant = (await make_product(name="小米 14 手机", prices=(399900,)))["variant_ids"][0]
    await stock(pinned, variant, 1)
    await stock(next_door, variant, 3)
    return {"pinned": pinned, "next_door": next_door, "variant": variant}


def assert_names_the_line(refused: OutOfStock, s: dict) -> None:
    """The 409 names the line, what was asked and what each nearby store can give."""
    assert refused.status_code == 409
    [line] = refused.extra["lines"]
    assert (line["variant_id"], line["requested"], line["available"]) == (s["variant"], 1, 0)
    given = {store["location_id"]: store["available"] for store in line["stores"]}
    assert given[s["pinned"]] == 0
    assert given[s["next_door"]] == 3
    assert any(store["name"] == "东单店" for store in line["stores"])


@pytest.mark.parametrize("payment_method", ["sandbox", "in_store"])
async def test_two_buyers_race_for_the_last_unit_at_a_pinned_store(
    db: Engine, payment_method: str
) -> None:
    s = await last_unit_at_a_pinned_store()
    buyers = [await make_user() for _ in range(2)]

    async def buy(buyer) -> OutOfStock | None:
        try:
            await make_order(
                buyer.id,
                [(s["variant"], 1)],
                location_id=s["pinned"],
                payment_method=payment_method,
            )
        except OutOfStock as refused:
            return refused
        return None

    results = await asyncio.gather(*(buy(buyer) for buyer in buyers))

    refusals = [r for r in results if r is not None]
    assert len(refusals) == 1  # exactly one order placed
    assert_names_the_line(refusals[0], s)
    assert await Order.count() == 1
    assert await Fulfilment.count().where(Fulfilment.method == "delivery") == 0
    assert await level(s["pinned"], s["variant"]) == (1, 1)
    assert await level(s["next_door"], s["variant"]) == (3, 0)
    await assert_ledger_matches_levels()


@pytest.mark.parametrize("payment_method", ["sandbox", "in_store"])
async def test_a_store_that_no_longer_holds_the_lines_answers_409_and_writes_nothing(
    db: Engine, payment_method: str
) -> None:
    s = await last_unit_at_a_pinned_store()
    await make_order((await make_user()).id, [(s["variant"], 1)], location_id=s["pinned"])

    with pytest.raises(OutOfStock) as refused:
        await make_order(
            (await make_user()).id,
            [(s["variant"], 1)],
            location_id=s["pinned"],
            payment_method=payment_method,
        )

    assert_names_the_line(refused.value, s)
    assert "王府井店" in str(refused.value)
    assert await Order.count() == 1
    assert await Fulfilment.count().where(Fulfilment.method == "delivery") == 0
    assert await level(s["next_door"], s["variant"]) == (3, 0)
    await assert_ledger_matches_levels()


async def test_a_pinned_pickup_at_a_store_that_cannot_hand_over_is_refused(db: Engine) -> None:
    # The store's row and its stock are read in one statement: every way it can be unfit
    # is still refused, and a store holding everything spares the sum over all stores.
    far = await make_store(NEXT_DOOR)
    no_pickup = await make_store(PINNED_AT, pickup_enabled=False)
    warehouse = await make_store(PINNED_AT, kind="warehouse")
    tea, rice = (await make_product(prices=(100, 200)))["variant_ids"][:2]
    for place in (far, no_pickup, warehouse):
        await stock(place, tea, 3)
    buyer = await make_user()

    for location_id in (no_pickup, warehouse, 10**9):
        with pytest.raises(InvalidOrder, match="does not offer pickup"):
            await make_order(buyer.id, [(tea, 1)], location_id=location_id, near=PINNED_AT)
    # The store has no row for rice at all: short of it, and the refusal names the total.
    with pytest.raises(OutOfStock) as refused:
        await make_order(buyer.id, [(tea, 1), (rice, 1)], location_id=far)
    assert refused.value.extra["lines"] == [{"variant_id": rice, "requested": 1, "available": 0}]

    placed = await make_order(buyer.id, [(tea, 3)], location_id=far)

    assert [(f.location_id, f.lines[0].quantity) for f in placed.fulfilments] == [(far, 3)]
    assert await level(far, tea) == (3, 3)
    assert await Order.count() == 1
