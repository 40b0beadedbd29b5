"""Exchanges, parcel returns and a ruling that deducts from the supplier's deposit."""

from __future__ import annotations

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from aftersales.errors import RequestConflict, RequestNotFound
from aftersales.requests import (
    answer_request,
    create_request,
    escalate,
    receive_parcel,
    rule,
    ship_back,
)
from settlement.deposits import deposit_balance, record_deposit_paid
from tests.support.aftersales import received_order
from tests.support.factories import make_user
from tests.support.stock import assert_ledger_matches_levels, stock_level


async def test_an_exchange_reserves_then_hands_over_the_replacement(db: Engine) -> None:
    bought = await received_order()
    line = bought["lines"][0]
    store = bought["store"]
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        line.id,
        kind="exchange",
        reason="尺码小了",
        return_method="store",
        store_location_id=store,
        replacement_variant_id=line.variant_id,
    )
    on_hand, reserved = await stock_level(store, line.variant_id)
    await answer_request(bought["supplier_user"], asked.id, decision="approve")
    assert await stock_level(store, line.variant_id) == (on_hand, reserved + 1)

    from aftersales.requests import receive_at_store

    done = await receive_at_store(bought["staff"], store, asked.token)

    assert done.status == "exchanged" and done.refunded_amount == 0
    # One unit came back, one went out: the shelf holds what it held.
    assert await stock_level(store, line.variant_id) == (on_hand, reserved)
    await assert_ledger_matches_levels()


async def test_a_parcel_return_refunds_when_the_supplier_receives_it(db: Engine) -> None:
    bought = await received_order((5_000,))
    line = bought["lines"][0]
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        line.id,
        kind="return_refund",
        reason="破损",
        return_method="parcel",
    )
    await answer_request(bought["supplier_user"], asked.id, decision="approve")
    with pytest.raises(RequestNotFound):
        await ship_back(bought["consumer"], asked.id + 999, carrier="x", tracking_number="y")
    await ship_back(bought["consumer"], asked.id, carrier="顺丰", tracking_number="SF123")
    before = await stock_level(bought["store"], line.variant_id)

    done = await receive_parcel(bought["supplier_user"], asked.id, damaged=True)

    assert done.refunded_amount == 5_000 and done.damaged
    assert await stock_level(bought["store"], line.variant_id) == before  # to the damaged count
    await assert_ledger_matches_levels()


async def test_a_full_ruling_with_a_deposit_deduction(db: Engine) -> None:
    bought = await received_order((7_000,))
    await record_deposit_paid(bought["supplier"], payment_id=1, amount=50_000)
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        bought["lines"][0].id,
        kind="refund_only",
        reason="假货",
    )
    await answer_request(bought["supplier_user"], asked.id, decision="partial", amount=1_000)
    await escalate(bought["consumer"], asked.id, note="要全额")
    operator = await make_user(Role.OPERATOR)

    ruled = await rule(operator, asked.id, ruling="full", deduct=2_000, note="售假")

    assert ruled.refunded_amount == 7_000 and ruled.deposit_deducted == 2_000
    assert await deposit_balance(bought["supplier"]) == 48_000
    with pytest.raises(RequestConflict):
        await rule(operator, asked.id, ruling="full")
