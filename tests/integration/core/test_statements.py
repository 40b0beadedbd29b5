"""Hand-written statements (`core.statements.fetch`) and dict inserts (`core.row_insert`).

Both bypass Piccolo's query building, so they must still join the open transaction (and
roll back with it), take the same `{}` marks on both databases, and fill defaults exactly
as Piccolo's insert would.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from piccolo.engine.base import Engine

from core.database import write_transaction
from core.row_insert import insert_rows
from core.statements import fetch
from locations.kinds import MovementReason
from locations.tables import StockMovement
from tests.support.factories import make_product, make_store, stock
from tests.support.stock import stock_level


class _Abort(Exception):
    pass


async def test_fetch_joins_the_open_transaction_and_rolls_back_with_it(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 5)
    sql = "UPDATE stock_level SET reserved = reserved + {} WHERE location = {} AND variant = {} "
    with pytest.raises(_Abort):
        async with write_transaction():
            rows = await fetch(sql + "RETURNING reserved", 2, store, variant)
            assert rows == [{"reserved": 2}]
            # The same transaction sees its own change before it commits.
            seen = await fetch(
                "SELECT reserved FROM stock_level WHERE location = {} AND variant = {}",
                store,
                variant,
            )
            assert seen == [{"reserved": 2}]
            raise _Abort
    assert await stock_level(store, variant) == (5, 0)
    assert await fetch(sql, 1, store, variant) == []  # a lone write outside a transaction
    assert await stock_level(store, variant) == (5, 1)


async def test_fetch_takes_the_same_marks_and_any_argument_count(db: Engine) -> None:
    store = await make_store()
    variants = (await make_product(prices=(100, 200, 300)))["variant_ids"]
    for n, variant in enumerate(variants, start=1):
        await stock(store, variant, n)
    marks = ", ".join("{}" for _ in variants)
    rows = await fetch(
        f"SELECT variant, on_hand FROM stock_level WHERE location = {{}} AND variant IN ({marks}) "
        "ORDER BY variant",
        store,
        *variants,
    )
    assert rows == [{"variant": v, "on_hand": n} for n, v in enumerate(variants, start=1)]


async def test_inserted_rows_get_piccolos_defaults_per_row(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    rows = await insert_rows(
        StockMovement,
        [
            {"location": store, "variant": variant, "reason": MovementReason.RECEIVE},
            {"location": store, "variant": variant, "reason": "adjust", "on_hand_delta": 3},
        ],
    )
    assert [(r["on_hand_delta"], r["reserved_delta"], r["reference"]) for r in rows] == [
        (0, 0, ""),
        (3, 0, ""),
    ]
    assert [r["reason"] for r in rows] == ["receive", "adjust"]
    assert all(r["actor_id"] is None for r in rows)
    assert all(isinstance(r["created_at"], datetime) for r in rows)
    with pytest.raises(ValueError, match="Unrecognised"):
        await insert_rows(StockMovement, [{"location": store, "variant": variant, "nope": 1}])


async def test_rows_inserted_for_their_ids_only_are_stored_whole(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    rows = await insert_rows(
        StockMovement,
        [
            {"location": store, "variant": variant, "reason": "adjust", "on_hand_delta": 3},
            {"location": store, "variant": variant, "reason": "adjust", "on_hand_delta": 4},
        ],
        ids_only=True,
    )
    assert [set(r) for r in rows] == [{"id"}, {"id"}]
    assert rows[0]["id"] < rows[1]["id"]
    stored = await fetch(
        "SELECT id, on_hand_delta, reason FROM stock_movement WHERE id IN ({}, {}) ORDER BY id",
        rows[0]["id"],
        rows[1]["id"],
    )
    assert stored == [
        {"id": rows[0]["id"], "on_hand_delta": 3, "reason": "adjust"},
        {"id": rows[1]["id"], "on_hand_delta": 4, "reason": "adjust"},
    ]


async def test_integer_columns_read_back_as_exact_ints_at_the_64_bit_ends(db: Engine) -> None:
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    rows = await insert_rows(
        StockMovement,
        [
            {"location": store, "variant": variant, "reason": "adjust", "on_hand_delta": 2**63 - 1},
            {"location": store, "variant": variant, "reason": "adjust", "on_hand_delta": -(2**63)},
        ],
    )
    read = (
        await StockMovement.select(StockMovement.on_hand_delta)
        .where(StockMovement.id.is_in([r["id"] for r in rows]))
        .order_by(StockMovement.id)
    )
    assert [r["on_hand_delta"] for r in read] == [2**63 - 1, -(2**63)]
    assert all(type(r["on_hand_delta"]) is int for r in read)
