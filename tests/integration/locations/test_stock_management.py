"""Adjusting and transferring stock: never negative, ledger consistent, own stock only."""

from __future__ import annotations

import asyncio

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from core.errors import Conflict
from locations import inventory
from locations.errors import InvalidStockChange, StockAccessDenied
from locations.stock import StockLine, release_stock, reserve_stock, sell_reserved_stock
from tests.integration.locations.test_stock_reservations import (
    assert_ledger_matches_levels,
    level,
)
from tests.support.factories import make_product, make_store, make_user, stock


async def supplier_with_variant() -> tuple[object, int, int]:
    """A supplier account, one of its variants and a store."""
    product = await make_product()
    user = await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"])
    return user, product["variant_ids"][0], await make_store()


async def test_adjusting_below_reserved_is_refused_and_changes_nothing(db: Engine) -> None:
    user, variant, store = await supplier_with_variant()
    await stock(store, variant, 5)
    await reserve_stock([StockLine(store, variant, 3)], reference="O-1")
    with pytest.raises(InvalidStockChange, match="at most 2 can go"):
        await inventory.adjust_stock(
            user, location_id=store, variant_id=variant, reason="count", on_hand=2
        )
    with pytest.raises(InvalidStockChange):
        await inventory.adjust_stock(
            user, location_id=store, variant_id=variant, reason="damage", delta=-3
        )
    assert await level(store, variant) == (5, 3)
    done = await inventory.adjust_stock(
        user, location_id=store, variant_id=variant, reason="damage", delta=-2, note="broken"
    )
    assert done == {"on_hand": 3, "reserved": 3, "available": 0}
    await assert_ledger_matches_levels()


async def test_adjust_needs_a_known_reason_and_one_figure(db: Engine) -> None:
    user, variant, store = await supplier_with_variant()
    with pytest.raises(InvalidStockChange, match="not one of"):
        await inventory.adjust_stock(
            user, location_id=store, variant_id=variant, reason="whim", delta=1
        )
    with pytest.raises(InvalidStockChange, match="not both"):
        await inventory.adjust_stock(
            user, location_id=store, variant_id=variant, reason="count", delta=1, on_hand=1
        )
    with pytest.raises(InvalidStockChange, match="negative"):
        await inventory.adjust_stock(
            user, location_id=store, variant_id=variant, reason="count", on_hand=-1
        )


async def test_transfer_moves_only_available_units_through_transit(db: Engine) -> None:
    user, variant, source = await supplier_with_variant()
    destination = await make_store()
    await stock(source, variant, 6)
    await reserve_stock([StockLine(source, variant, 2)], reference="O-2")
    with pytest.raises(InvalidStockChange, match="Only 4"):
        await inventory.start_transfer(
            user, source_id=source, destination_id=destination, variant_id=variant, quantity=5
        )
    assert await level(source, variant) == (6, 2)
    transfer = await inventory.start_transfer(
        user, source_id=source, destination_id=destination, variant_id=variant, quantity=4
    )
    assert await level(source, variant) == (2, 2)  # out of the source now
    assert await level(destination, variant) == (0, 0)  # in transit
    [row] = await inventory.list_transfers(user, open_only=True)
    assert (row["id"], row["status"], row["quantity"]) == (transfer, "in_transit", 4)
    await inventory.close_transfer(user, transfer)
    assert await level(destination, variant) == (4, 0)
    with pytest.raises(Conflict):
        await inventory.close_transfer(user, transfer)  # received once only
    assert await level(destination, variant) == (4, 0)
    await assert_ledger_matches_levels()


async def test_cancelled_transfer_returns_units_to_the_source(db: Engine) -> None:
    user, variant, source = await supplier_with_variant()
    destination = await make_store()
    await stock(source, variant, 3)
    transfer = await inventory.start_transfer(
        user, source_id=source, destination_id=destination, variant_id=variant, quantity=3
    )
    await inventory.close_transfer(user, transfer, cancel=True)
    assert await level(source, variant) == (3, 0)
    assert await level(destination, variant) == (0, 0)
    await assert_ledger_matches_levels()


async def test_ledger_sums_to_levels_after_a_mix_of_operations(db: Engine) -> None:
    user, variant, a = await supplier_with_variant()
    b = await make_store()
    await stock(a, variant, 10)
    await reserve_stock([StockLine(a, variant, 4)], reference="O-3")
    await inventory.adjust_stock(user, location_id=a, variant_id=variant, reason="count", on_hand=9)
    await sell_reserved_stock([StockLine(a, variant, 1)], reference="O-3")
    await release_stock([StockLine(a, variant, 1)], reference="O-3")
    transfer = await inventory.start_transfer(
        user, source_id=a, destination_id=b, variant_id=variant, quantity=3
    )
    await inventory.close_transfer(user, transfer)
    await inventory.adjust_stock(user, location_id=b, variant_id=variant, reason="loss", delta=-1)
    await inventory.adjust_stock(user, location_id=b, variant_id=variant, reason="found", delta=2)
    assert await level(a, variant) == (5, 2)
    assert await level(b, variant) == (4, 0)
    await assert_ledger_matches_levels()


async def test_a_supplier_cannot_see_or_change_another_suppliers_stock(db: Engine) -> None:
    user, mine, store = await supplier_with_variant()
    theirs = (await make_product())["variant_ids"][0]
    await stock(store, theirs, 5)
    await stock(store, mine, 1)
    with pytest.raises(StockAccessDenied):
        await inventory.adjust_stock(
            user, location_id=store, variant_id=theirs, reason="loss", delta=-1
        )
    with pytest.raises(StockAccessDenied):
        await inventory.start_transfer(
            user, source_id=store, destination_id=await make_store(), variant_id=theirs, quantity=1
        )
    assert [r["variant_id"] for r in await inventory.stock_levels(user)] == [mine]
    assert await level(store, theirs) == (5, 0)


async def test_low_stock_list_shows_rows_at_or_below_threshold(db: Engine) -> None:
    user, variant, store = await supplier_with_variant()
    other = await make_store()
    await stock(store, variant, 2)
    await stock(other, variant, 20)
    for location in (store, other):
        await inventory.set_low_stock_threshold(
            user, location_id=location, variant_id=variant, threshold=3
        )
    low = await inventory.stock_levels(user, low_only=True)
    assert [(r["location_id"], r["available"]) for r in low] == [(store, 2)]


async def test_every_stock_change_is_announced_after_commit(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.realtime

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(core.realtime, "publish", lambda topic, event: sent.append((topic, event)))
    user, variant, store = await supplier_with_variant()
    await stock(store, variant, 4)
    await reserve_stock([StockLine(store, variant, 1)], reference="O-4")
    await inventory.adjust_stock(
        user, location_id=store, variant_id=variant, reason="loss", delta=-1
    )
    assert [e["available"] for _, e in sent] == [4, 3, 2]
    assert sent[-1] == (
        f"stock:{variant}",
        {
            "type": "stock",
            "variant_id": variant,
            "location_id": store,
            "on_hand": 3,
            "reserved": 1,
            "available": 2,
        },
    )
    sent.clear()
    with pytest.raises(InvalidStockChange):
        await inventory.adjust_stock(
            user, location_id=store, variant_id=variant, reason="loss", delta=-5
        )
    assert sent == []  # a refused change announces nothing


async def test_concurrent_removals_never_take_stock_below_zero(db: Engine) -> None:
    user, variant, store = await supplier_with_variant()
    await stock(store, variant, 5)

    async def remove() -> bool:
        try:
            await inventory.adjust_stock(
                user, location_id=store, variant_id=variant, reason="loss", delta=-1
            )
            return True
        except InvalidStockChange:
            return False

    results = await asyncio.gather(*(remove() for _ in range(9)))
    assert sum(results) == 5
    assert await level(store, variant) == (0, 0)
    await assert_ledger_matches_levels()
