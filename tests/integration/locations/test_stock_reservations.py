"""Reserving, releasing and selling stock: all or nothing, never negative, ledger consistent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from piccolo.engine.base import Engine

from core.errors import Conflict
from locations.errors import InsufficientStock
from locations.stock import (
    StockLine,
    release_stock,
    reserve_stock,
    sell_reserved_stock,
)
from locations.tables import StockMovement
from tests.support.factories import make_product, make_store, stock
from tests.support.stock import assert_ledger_matches_levels
from tests.support.stock import stock_level as level


async def _race(buyers: int, lines_of: Callable[[int], list[StockLine]]) -> list[bool]:
    """Buyer n (also the ledger's actor) reserves `lines_of(n)`, all at once; who won."""

    async def buy(n: int) -> bool:
        try:
            await reserve_stock(lines_of(n), reference=f"R-{n}", actor_id=n)
            return True
        except InsufficientStock:
            return False

    return list(await asyncio.gather(*(buy(n) for n in range(buyers))))


async def test_an_order_reserves_all_lines_or_none(db: Engine) -> None:
    store = await make_store()
    product = await make_product(prices=(1000, 2000))
    first, second = product["variant_ids"]
    await stock(store, first, 5)
    await stock(store, second, 1)
    with pytest.raises(InsufficientStock) as refused:
        await reserve_stock(
            [StockLine(store, first, 3), StockLine(store, second, 2)], reference="A-1"
        )
    assert refused.value.extra["lines"] == [
        {"variant_id": second, "location_id": store, "requested": 2, "available": 1}
    ]
    assert await level(store, first) == (5, 0)  # the first line was not kept
    await reserve_stock([StockLine(store, first, 3), StockLine(store, second, 1)], reference="A-2")
    assert await level(store, first) == (5, 3)
    assert await level(store, second) == (1, 1)
    await assert_ledger_matches_levels()


async def test_release_and_sale_move_reserved_units(db: Engine) -> None:
    store = await make_store()
    (variant,) = (await make_product())["variant_ids"]
    await stock(store, variant, 4)
    await reserve_stock([StockLine(store, variant, 3)], reference="B-1")
    await sell_reserved_stock([StockLine(store, variant, 2)], reference="B-1")
    assert await level(store, variant) == (2, 1)
    await release_stock([StockLine(store, variant, 1)], reference="B-1")
    assert await level(store, variant) == (2, 0)
    with pytest.raises(Conflict):
        await release_stock([StockLine(store, variant, 1)], reference="B-1")
    assert await level(store, variant) == (2, 0)
    await assert_ledger_matches_levels()


async def test_stock_elsewhere_does_not_count(db: Engine) -> None:
    here, there = await make_store(), await make_store()
    (variant,) = (await make_product())["variant_ids"]
    await stock(there, variant, 10)
    with pytest.raises(InsufficientStock):
        await reserve_stock([StockLine(here, variant, 1)], reference="C-1")
    assert await level(there, variant) == (10, 0)


async def test_last_units_go_to_exactly_as_many_buyers(db: Engine) -> None:
    store = await make_store()
    (variant,) = (await make_product())["variant_ids"]
    await stock(store, variant, 3)

    results = await _race(12, lambda n: [StockLine(store, variant, 1)])
    assert sum(results) == 3
    assert await level(store, variant) == (3, 3)
    await assert_ledger_matches_levels()


async def test_two_line_orders_racing_over_the_same_rows_neither_deadlock_nor_oversell(
    db: Engine,
) -> None:
    store = await make_store()
    first, second = (await make_product(prices=(1000, 2000)))["variant_ids"]
    await stock(store, first, 10)
    await stock(store, second, 10)

    lines = [StockLine(store, first, 1), StockLine(store, second, 1)]
    # Half name the lines the other way round: the rows are locked in one order anyway.
    results = await _race(30, lambda n: lines[:: 1 if n % 2 else -1])

    assert sum(results) == 10
    assert await level(store, first) == (10, 10)
    assert await level(store, second) == (10, 10)
    ledger = await StockMovement.select(
        StockMovement.variant, StockMovement.reserved_delta, StockMovement.actor_id
    ).where(StockMovement.reason == "reserve")
    won = {n for n, placed in enumerate(results) if placed}
    assert sorted((r["actor_id"], r["variant"]) for r in ledger) == sorted(
        (n, variant) for n in won for variant in (first, second)
    )
    assert {r["reserved_delta"] for r in ledger} == {1}
    await assert_ledger_matches_levels()
