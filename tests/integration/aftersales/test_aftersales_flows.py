"""After-sales flows on both databases: store returns, exact refunds, windows, disputes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from aftersales.errors import NotYours, RequestConflict, WindowClosed
from aftersales.requests import (
    answer_request,
    create_request,
    escalate,
    escalate_unanswered,
    receive_at_store,
    rule,
)
from aftersales.tables import AfterSaleRequest
from fulfilment.tables import OrderEvent
from notifications.tables import Notification
from payments.tables import Refund
from tests.support.aftersales import received_order
from tests.support.factories import make_store, make_user
from tests.support.stock import assert_ledger_matches_levels, stock_level


async def _refunded(order_id: int) -> int:
    from payments.tables import Payment

    payments = await Payment.select().where(Payment.order_id == order_id)
    rows = await Refund.select().where(Refund.payment.is_in([p["id"] for p in payments]))
    return sum(r["amount"] for r in rows)


async def test_a_return_at_a_store_puts_stock_back_there_and_refunds(db: Engine) -> None:
    bought = await received_order((10_000,))
    other_store = await make_store()
    clerk = await make_user(Role.STAFF, store_ids=[other_store])
    line = bought["lines"][0]
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        line.id,
        kind="return_refund",
        reason="坏了",
        return_method="store",
        store_location_id=other_store,
    )
    await answer_request(bought["supplier_user"], asked.id, decision="approve")
    before = await stock_level(other_store, line.variant_id)

    done = await receive_at_store(clerk, other_store, asked.token)

    assert done.status == "refunded" and done.refunded_amount == 10_000
    assert await stock_level(other_store, line.variant_id) == (before[0] + 1, before[1])
    assert await _refunded(bought["order"].id) == 10_000
    kinds = {
        e["kind"] for e in await OrderEvent.select().where(OrderEvent.order == bought["order"].id)
    }
    assert {
        "aftersale_requested",
        "aftersale_approved",
        "aftersale_received",
        "aftersale_refunded",
    } <= kinds
    await assert_ledger_matches_levels()
    with pytest.raises(RequestConflict):  # the same line again
        await create_request(
            bought["consumer"], bought["order"].id, line.id, kind="refund_only", reason="再退"
        )


async def test_a_discounted_line_refunds_exactly_its_share(db: Engine) -> None:
    bought = await received_order((6_000, 4_000), reduction=(10_000, 1_000))
    line = bought["lines"][1]
    assert line.discount > 0
    asked = await create_request(
        bought["consumer"], bought["order"].id, line.id, kind="refund_only", reason="不要了"
    )
    done = await answer_request(bought["supplier_user"], asked.id, decision="approve")
    share = line.unit_price * line.quantity - line.discount
    assert done.refunded_amount == share == await _refunded(bought["order"].id)


async def test_another_consumers_order_and_a_closed_window_are_refused(db: Engine) -> None:
    bought = await received_order()
    line = bought["lines"][0]
    stranger = await make_user()
    with pytest.raises(NotYours):
        await create_request(stranger, bought["order"].id, line.id, kind="refund_only", reason="x")
    with pytest.raises(WindowClosed):
        await create_request(
            bought["consumer"],
            bought["order"].id,
            line.id,
            kind="refund_only",
            reason="x",
            now=datetime.now(UTC) + timedelta(days=8),
        )


async def test_a_second_refund_of_the_line_is_refused(db: Engine) -> None:
    bought = await received_order()
    line = bought["lines"][0]
    asked = await create_request(
        bought["consumer"], bought["order"].id, line.id, kind="refund_only", reason="x"
    )
    await answer_request(bought["supplier_user"], asked.id, decision="approve")
    with pytest.raises(RequestConflict):
        await create_request(
            bought["consumer"], bought["order"].id, line.id, kind="refund_only", reason="x"
        )
    assert await _refunded(bought["order"].id) == 10_000


async def test_an_unanswered_request_escalates_after_its_deadline(db: Engine) -> None:
    operator = await make_user(Role.OPERATOR)
    bought = await received_order()
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        bought["lines"][0].id,
        kind="refund_only",
        reason="x",
    )
    assert await escalate_unanswered(datetime.now(UTC) + timedelta(hours=47)) == []
    assert await escalate_unanswered(datetime.now(UTC) + timedelta(hours=49)) == [asked.id]
    # The operator hears of it in the inbox, with a link to the after-sales queue.
    told = await Notification.select().where(Notification.user_id == operator.id)
    assert [n["link"] for n in told] == ["/operator/after-sales"]


async def test_a_partial_refund_ruling_refunds_exactly_that(db: Engine) -> None:
    bought = await received_order()
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        bought["lines"][0].id,
        kind="refund_only",
        reason="有划痕",
    )
    await answer_request(bought["supplier_user"], asked.id, decision="reject", note="正常使用痕迹")
    await escalate(bought["consumer"], asked.id, note="明显是新的划痕")
    operator = await make_user(Role.OPERATOR)

    ruled = await rule(operator, asked.id, ruling="partial", amount=3_456)

    assert ruled.status == "refunded" and ruled.refunded_amount == 3_456
    assert await _refunded(bought["order"].id) == 3_456


async def test_two_simultaneous_requests_for_one_line_open_only_one(db: Engine) -> None:
    bought = await received_order((10_000,))
    line = bought["lines"][0]

    async def ask() -> object:
        return await create_request(
            bought["consumer"], bought["order"].id, line.id, kind="refund_only", reason="坏了"
        )

    outcomes = await asyncio.gather(ask(), ask(), ask(), return_exceptions=True)

    opened = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(opened) == 1
    assert all(isinstance(o, RequestConflict) for o in refused), refused
    stored = await AfterSaleRequest.count().where(AfterSaleRequest.line_id == line.id)
    assert stored == 1
