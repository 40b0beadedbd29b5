"""Statements equal the sums over the orders exactly, in fen, with refunds and category rates."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime

import pytest
from piccolo.engine.base import Engine

from fulfilment.after_sale import refund_fulfilment
from fulfilment.orders import cancel_order
from fulfilment.payment_events import receive_callback
from fulfilment.shipments import mark_delivered, ship_fulfilment
from fulfilment.tables import Order, OrderLine
from payments.tables import Payment, Refund
from settlement.commission import set_override
from settlement.errors import SettlementConflict
from settlement.statements import (
    CHINA,
    issue_statement,
    mark_statement_paid,
    statement_csv,
)
from tests.support.factories import (
    BEIJING,
    make_category,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    sandbox_callback,
    stock,
)
from tests.support.promotions import make_promotion

FEE_BP = 60  # KUAIQU_SETTLEMENT_FEE_BP's default


def half_up(net: int, bp: int) -> int:
    return (net * bp + 5000) // 10000


async def paid_delivered_order(buyer_id: int, lines: list[tuple[int, int]], supplier: int):
    order = await make_order(buyer_id, lines, method="delivery")
    body, headers = sandbox_callback(order.payment.id, amount=order.total)
    await receive_callback("sandbox", body, headers)
    for part in order.fulfilments:
        await ship_fulfilment(
            supplier, part.id, carrier="顺丰速运", tracking_number="SF1", actor_id=None
        )
        await mark_delivered(supplier, part.id, actor_id=None)
    return order


async def expected_figures(supplier: int, order_ids: list[int], rates: dict[int, int]) -> dict:
    """The statement computed from the raw rows, independently of settlement's code."""
    lines = (
        await OrderLine.select(
            OrderLine.id,
            OrderLine.fulfilment,
            OrderLine.supplier_id,
            OrderLine.unit_price,
            OrderLine.quantity,
            OrderLine.discount,
            OrderLine.variant.product.category.as_alias("category"),
        )
        .where(OrderLine.order.is_in(order_ids))
        .order_by(OrderLine.fulfilment, OrderLine.id)
    )
    refunds: dict[int, int] = {}
    for r in await Refund.select().where(Refund.fulfilment_id.is_not_null()):
        refunds[r["fulfilment_id"]] = refunds.get(r["fulfilment_id"], 0) + r["amount"]
    totals = dict.fromkeys(("sales", "refunds", "commission", "fees", "payable"), 0)
    for line in lines:
        paid = line["unit_price"] * line["quantity"] - line["discount"]
        take = min(paid, refunds.get(line["fulfilment"], 0))
        refunds[line["fulfilment"]] = refunds.get(line["fulfilment"], 0) - take
        if line["supplier_id"] != supplier:
            continue
        net = paid - take
        commission = half_up(net, rates[line["category"]])
        fees = half_up(net, FEE_BP)
        totals["sales"] += paid
        totals["refunds"] += take
        totals["commission"] += commission
        totals["fees"] += fees
        totals["payable"] += net - commission - fees
    return totals


async def test_statement_equals_the_sums_over_generated_orders(db: Engine) -> None:
    rng = random.Random(20261203)
    supplier, other = await make_supplier(), await make_supplier()
    tea_category, rice_category = await make_category("茶叶"), await make_category("大米")
    await set_override(supplier, tea_category, 837)  # 8.37 % on tea; 5 % (own rate) on rice
    rates = {tea_category: 837, rice_category: 500}
    warehouse = await make_store(BEIJING, kind="warehouse")
    variants = []
    for category, price in ((tea_category, 12345), (rice_category, 9999), (tea_category, 333)):
        made = await make_product(supplier_id=supplier, category_id=category, prices=(price,))
        variants.append(made["variant_ids"][0])
        await stock(warehouse, made["variant_ids"][0], 500)
    foreign = (await make_product(supplier_id=other, prices=(4321,)))["variant_ids"][0]
    await stock(warehouse, foreign, 50)
    buyer = await make_user()

    counted: list[int] = []
    for _ in range(12):
        chosen = rng.sample(variants, rng.randint(1, 3))
        order = await paid_delivered_order(
            buyer.id, [(v, rng.randint(1, 4)) for v in chosen], supplier
        )
        counted.append(order.id)
        if rng.random() < 0.6:  # a partial refund of the delivered parcel
            part = order.fulfilments[0]
            paid = sum(ln.line_total for ln in part.lines)
            await refund_fulfilment(
                part.id, amount=rng.randint(1, paid), reason="部分退款", actor_id=None
            )
    refunded_whole = order.fulfilments[0]
    left = sum(ln.line_total for ln in refunded_whole.lines) - sum(
        r["amount"] for r in await Refund.select().where(Refund.fulfilment_id == refunded_whole.id)
    )
    if left:
        await refund_fulfilment(refunded_whole.id, amount=left, reason="全额退款", actor_id=None)
    with pytest.raises(Exception, match="can still be refunded"):
        await refund_fulfilment(refunded_whole.id, amount=1, reason="再退", actor_id=None)
    # Not counted: another supplier's sales, an order cancelled before shipping.
    await paid_delivered_order(buyer.id, [(foreign, 2)], other)
    cancelled = await make_order(buyer.id, [(variants[0], 1)], method="delivery")
    await cancel_order(cancelled.id, actor_id=None)

    today = datetime.now(CHINA).date()
    statement = await issue_statement(supplier, today, today, actor_id=None)

    expected = await expected_figures(supplier, counted, rates)
    assert {
        "sales": statement.sales,
        "refunds": statement.refunds,
        "commission": statement.commission,
        "fees": statement.fees,
        "payable": statement.payable,
    } == expected
    assert statement.refunds > 0 and statement.commission > 0
    # The same money seen from the payments: what was paid less shipping, less refunds.
    payments = await Payment.select().where(Payment.order_id.is_in(counted))
    shipping = await Order.select(Order.shipping).where(Order.id.is_in(counted))
    assert statement.sales == sum(p["amount"] for p in payments) - sum(
        s["shipping"] for s in shipping
    )
    assert statement.refunds == sum(p["refunded_amount"] for p in payments)
    assert statement.sales == sum(ln.sales for ln in statement.lines)
    assert statement.payable == (
        statement.sales - statement.refunds - statement.commission - statement.fees
    )

    rows = list(csv.reader(io.StringIO(statement_csv(statement))))
    assert [int(x) for x in rows[-1][4:6]] == [statement.sales, statement.refunds]
    assert int(rows[-1][-1]) == statement.payable
    assert len(rows) == 2 + len(statement.lines) + 1

    with pytest.raises(SettlementConflict):
        await issue_statement(supplier, today, today, actor_id=None)  # settled once only
    paid = await mark_statement_paid(statement.id, paid_ref="BANK-001", actor_id=None)
    assert (paid.status, paid.paid_ref) == ("paid", "BANK-001")
    with pytest.raises(SettlementConflict):
        await mark_statement_paid(statement.id, paid_ref="again", actor_id=None)
    other_statement = await issue_statement(other, today, today, actor_id=None)
    assert other_statement.sales == 2 * 4321
    assert other_statement.commission == half_up(2 * 4321, 500)


async def test_statement_with_discounted_lines_equals_what_was_paid(db: Engine) -> None:
    """满减 from the supplier and the platform: sales are what buyers paid, to the fen."""
    rng = random.Random(3)
    supplier = await make_supplier()
    category = await make_category("茶具")
    warehouse = await make_store(BEIJING, kind="warehouse")
    variants = []
    for price in (12_345, 8_888):
        made = await make_product(supplier_id=supplier, category_id=category, prices=(price,))
        variants.append(made["variant_ids"][0])
        await stock(warehouse, made["variant_ids"][0], 200)
    await make_promotion("full_reduction", supplier_id=supplier, tiers=[(20_000, 2_000)])
    await make_promotion("full_reduction", tiers=[(30_000, 3_001)])
    buyer = await make_user()

    counted: list[int] = []
    for _ in range(6):
        order = await paid_delivered_order(
            buyer.id, [(v, rng.randint(1, 3)) for v in variants], supplier
        )
        counted.append(order.id)
        part = order.fulfilments[0]
        paid = sum(ln.line_total - ln.discount for ln in part.lines)
        await refund_fulfilment(
            part.id, amount=rng.randint(1, paid), reason="部分退款", actor_id=None
        )

    discounts = await OrderLine.select(OrderLine.discount).where(OrderLine.order.is_in(counted))
    assert sum(d["discount"] for d in discounts) > 0  # the promotions did apply
    today = datetime.now(CHINA).date()
    statement = await issue_statement(supplier, today, today, actor_id=None)

    assert {
        "sales": statement.sales,
        "refunds": statement.refunds,
        "commission": statement.commission,
        "fees": statement.fees,
        "payable": statement.payable,
    } == await expected_figures(supplier, counted, {category: 500})
    payments = await Payment.select().where(Payment.order_id.is_in(counted))
    shipping = await Order.select(Order.shipping).where(Order.id.is_in(counted))
    assert statement.sales == sum(p["amount"] for p in payments) - sum(
        s["shipping"] for s in shipping
    )
    assert statement.refunds == sum(p["refunded_amount"] for p in payments)
    assert statement.payable == (
        statement.sales - statement.refunds - statement.commission - statement.fees
    )
