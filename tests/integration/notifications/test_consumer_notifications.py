"""The consumer hears of payment, after-sales decisions and review replies, each once.

Runs on SQLite and PostgreSQL. Every assertion counts the messages of one kind in one
inbox, so a second copy (say, an after-sales refund told by both the request and the
payment) fails here.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from aftersales.requests import answer_request, create_request, escalate, rule
from catalog.errors import ReviewConflict
from fulfilment.order_lifecycle import cancel_order, mark_order_paid
from fulfilment.payment_events import pay_in_sandbox
from fulfilment.reviewing import answer_review, review_order_line
from fulfilment.sweeps import cancel_unpaid_orders
from notifications.service import NotificationView, inbox
from tests.support.aftersales import received_order
from tests.support.factories import make_order, make_product, make_store, make_user, stock


def kinds(items: list[NotificationView]) -> Counter[str]:
    return Counter(n.kind for n in items)


async def shelf(price: int = 5000) -> tuple[int, int, int]:
    """A store with five units of a product: (store, variant, supplier)."""
    store = await make_store()
    product = await make_product(prices=(price,))
    await stock(store, product["variant_ids"][0], 5)
    return store, product["variant_ids"][0], product["supplier_id"]


async def test_payment_received_is_told_once_and_a_failure_says_pay_again(db: Engine) -> None:
    store, variant, _ = await shelf()
    consumer = await make_user()
    order = await make_order(consumer.id, [(variant, 1)], location_id=store)

    await pay_in_sandbox(order.payment.id, consumer.id, "failed")
    failed = await inbox(consumer.id)
    assert [n.kind for n in failed] == ["payment_failed"]
    assert order.number in failed[0].title and failed[0].link == f"/orders/{order.id}"
    assert "支付失败" in failed[0].title and "failed" in failed[0].title

    retry = await make_order(consumer.id, [(variant, 1)], location_id=store)
    await pay_in_sandbox(retry.payment.id, consumer.id, "succeeded")
    await mark_order_paid(retry.id, payment_id=retry.payment.id)  # a replayed callback
    paid = [n for n in await inbox(consumer.id) if n.kind == "paid"]
    assert len(paid) == 1
    assert retry.number in paid[0].title and "¥50.00" in paid[0].body
    assert paid[0].link == f"/orders/{retry.id}"


async def test_an_unpaid_order_cancelled_by_the_sweep_is_told_not_the_consumers_own(
    db: Engine,
) -> None:
    store, variant, _ = await shelf()
    consumer = await make_user()
    mine = await make_order(consumer.id, [(variant, 1)], location_id=store)
    await cancel_order(mine.id, actor_id=consumer.id, customer_id=consumer.id)
    assert await inbox(consumer.id) == []  # they did it themselves

    late = await make_order(consumer.id, [(variant, 1)], location_id=store)
    assert await cancel_unpaid_orders(datetime.now(UTC) + timedelta(hours=1)) == [late.id]
    told = await inbox(consumer.id)
    assert [n.kind for n in told] == ["cancelled"]
    assert late.number in told[0].title and "超时未支付" in told[0].body


async def test_each_after_sales_decision_reaches_the_consumer_once(db: Engine) -> None:
    bought = await received_order(prices=(10_000, 20_000))
    consumer, seller = bought["consumer"], bought["supplier_user"]
    first, second = bought["lines"]
    before = kinds(await inbox(consumer.id))

    approved = await create_request(
        consumer, bought["order"].id, first.id, kind="refund_only", reason="坏了"
    )
    # The supplier (another account of the shop too) hears of the new request once.
    colleague = await make_user(Role.SUPPLIER, supplier_id=bought["supplier"])
    asked = await create_request(
        consumer, bought["order"].id, second.id, kind="refund_only", reason="<b>划痕</b>"
    )
    new = [n for n in await inbox(colleague.id) if n.kind == "aftersale"]
    assert len(new) == 1 and "新的售后申请" in new[0].title
    assert new[0].link == "/supplier/after-sales" and "<b>划痕</b>" not in new[0].title

    await answer_request(seller, approved.id, decision="approve")
    await answer_request(seller, asked.id, decision="reject", note="正常使用痕迹")
    await escalate(consumer, asked.id, note="明显是新的划痕")
    operator = await make_user(Role.OPERATOR)
    await rule(operator, asked.id, ruling="full")

    told = [n for n in await inbox(consumer.id) if n.kind == "aftersale"]
    titles = [n.title for n in reversed(told)]
    number = bought["order"].number
    assert titles == [
        f"订单 {number} 的售后申请已同意 / After-sales request for order {number} approved",
        f"订单 {number} 的售后申请被拒绝 / After-sales request for order {number} refused",
        f"平台裁决（订单 {number}）：全额退款 / Platform ruling on order {number}: full refund",
    ]
    refused = next(n for n in told if "refused" in n.title)
    assert "正常使用痕迹" in refused.body  # the reason
    assert all(n.link == f"/orders/{bought['order'].id}/after-sales" for n in told)
    # Two refunds, each told once (by the payment that carries it, not also by after-sales).
    assert kinds(await inbox(consumer.id))["refunded"] - before["refunded"] == 2


async def test_an_upheld_refusal_is_the_arbitration_outcome(db: Engine) -> None:
    bought = await received_order()
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        bought["lines"][0].id,
        kind="refund_only",
        reason="x",
    )
    await answer_request(bought["supplier_user"], asked.id, decision="reject", note="不符合")
    await escalate(bought["consumer"], asked.id, note="不同意")
    await rule(await make_user(Role.OPERATOR), asked.id, ruling="uphold", note="证据不足")
    outcome = [n for n in await inbox(bought["consumer"].id) if "ruling" in n.title]
    assert len(outcome) == 1 and "the refusal stands" in outcome[0].title
    assert "证据不足" in outcome[0].body


async def test_the_shops_reply_to_a_review_reaches_its_author_once(db: Engine) -> None:
    bought = await received_order()
    consumer, line = bought["consumer"], bought["lines"][0]
    review = await review_order_line(consumer, bought["order"].id, line.id, 4, "还行")
    await answer_review(bought["supplier_user"], review.id, "感谢<script>支持</script>")
    with pytest.raises(ReviewConflict):
        await answer_review(bought["supplier_user"], review.id, "再说一次")

    replies = [n for n in await inbox(consumer.id) if n.kind == "review_reply"]
    assert len(replies) == 1
    assert "商家回复了您的评价" in replies[0].title
    assert replies[0].body.endswith("感谢<script>支持</script>")  # plain text; pages escape it
    assert replies[0].link == f"/orders/{bought['order'].id}"
