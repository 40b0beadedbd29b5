"""Refunds after settlement are clawed back: adjustment lines keep every order line exact.

For every order line, the sums over all its statement lines must equal a fresh computation
of the line from the raw rows (net = paid − refunded, commission and fees at the recorded
rates, each rounded half up), to the fen, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime

import pytest
from piccolo.engine.base import Engine

from catalog.onboarding import supplier_detail
from fulfilment.tables import OrderLine
from payments.tables import Refund
from settlement.deposits import deposit_balance, record_deposit_paid
from settlement.errors import SettlementConflict
from settlement.statements import (
    CHINA,
    get_statement,
    issue_statement,
    recover_from_deposit,
    statement_csv,
)
from settlement.tables import StatementLine
from tests.support.aftersales import received_order, refund_line

FEE_BP = 60  # KUAIQU_SETTLEMENT_FEE_BP's default
FIGURES = ("sales", "refunds", "commission", "fees", "payable")


def half_up(net: int, bp: int) -> int:
    return (net * bp + 5000) // 10000


async def fresh_figures(line_id: int, rate_bp: int) -> dict[str, int]:
    """One order line computed now from the raw rows, independently of settlement's code."""
    line = await OrderLine.select().where(OrderLine.id == line_id).first()
    part_lines = (
        await OrderLine.select()
        .where(OrderLine.fulfilment == line["fulfilment"])
        .order_by(OrderLine.id)
    )
    left = sum(
        r["amount"]
        for r in await Refund.select(Refund.amount).where(
            Refund.fulfilment_id == line["fulfilment"]
        )
    )
    for each in part_lines:  # a part's refunds come off its lines in line order
        paid = each["unit_price"] * each["quantity"] - each["discount"]
        take = min(paid, left)
        left -= take
        if each["id"] == line_id:
            net = paid - take
            commission, fees = half_up(net, rate_bp), half_up(net, FEE_BP)
            return {
                "sales": paid,
                "refunds": take,
                "commission": commission,
                "fees": fees,
                "payable": net - commission - fees,
            }
    raise AssertionError(f"line {line_id} not found")


async def settled_sums(line_id: int) -> dict[str, int]:
    rows = await StatementLine.select().where(StatementLine.order_line_id == line_id)
    return {name: sum(r[name] for r in rows) for name in FIGURES}


def today():
    return datetime.now(CHINA).date()


async def test_a_partial_then_a_full_refund_after_settlement_are_clawed_back(db: Engine) -> None:
    bought = await received_order((12_345, 6_789))
    supplier = bought["supplier"]
    rate = (await supplier_detail(supplier))["commission_bp"]
    first_line, second_line = (ln.id for ln in bought["lines"])

    first = await issue_statement(supplier, today(), today(), actor_id=None)
    assert [ln.kind for ln in first.lines] == ["sale", "sale"]
    assert first.refunds == 0 and first.payable > 0 and first.to_recover == 0
    with pytest.raises(SettlementConflict):  # nothing new: nothing to settle
        await issue_statement(supplier, today(), today(), actor_id=None)

    # A partial refund after settlement: the next statement takes it back, commission too.
    await refund_line(bought, 0, partial=3_457)
    second = await issue_statement(supplier, today(), today(), actor_id=None)
    [adjustment] = second.lines
    before = half_up(12_345, rate), half_up(12_345, FEE_BP)
    after = half_up(12_345 - 3_457, rate), half_up(12_345 - 3_457, FEE_BP)
    assert (adjustment.kind, adjustment.revision, adjustment.order_line_id) == (
        "adjustment",
        1,
        first_line,
    )
    assert (adjustment.sales, adjustment.refunds, adjustment.quantity) == (0, 3_457, 0)
    assert adjustment.commission == after[0] - before[0] < 0  # commission given back
    assert adjustment.fees == after[1] - before[1]
    assert adjustment.payable == -3_457 - adjustment.commission - adjustment.fees < 0
    assert second.payable == adjustment.payable and second.to_recover == -second.payable

    # The whole second line refunded: the part's refund comes off its lines in order.
    await refund_line(bought, 1)
    third = await issue_statement(supplier, today(), today(), actor_id=None)
    assert {ln.revision for ln in third.lines} <= {1, 2} and third.lines
    assert all(ln.kind == "adjustment" and ln.sales == 0 for ln in third.lines)
    assert third.refunds == 6_789
    assert third.payable == (
        third.sales - third.refunds - third.commission - third.fees
    )  # the identity still holds on a negative statement

    # The invariant, to the fen: every line's statement lines add up to a fresh computation.
    for line_id in (first_line, second_line):
        assert await settled_sums(line_id) == await fresh_figures(line_id, rate)
    sums = [await settled_sums(i) for i in (first_line, second_line)]
    assert sum(s["refunds"] for s in sums) == 3_457 + 6_789
    with pytest.raises(SettlementConflict):  # clawed back once only
        await issue_statement(supplier, today(), today(), actor_id=None)


async def test_a_fully_refunded_settled_line_nets_to_zero(db: Engine) -> None:
    bought = await received_order((9_999,))
    supplier = bought["supplier"]
    rate = (await supplier_detail(supplier))["commission_bp"]
    line_id = bought["lines"][0].id
    first = await issue_statement(supplier, today(), today(), actor_id=None)

    await refund_line(bought, 0)
    second = await issue_statement(supplier, today(), today(), actor_id=None)

    [adjustment] = second.lines
    assert adjustment.refunds == 9_999
    assert adjustment.commission == -half_up(9_999, rate)
    assert adjustment.fees == -half_up(9_999, FEE_BP)
    assert second.payable == -first.payable and second.to_recover == first.payable
    assert await settled_sums(line_id) == {
        "sales": 9_999,
        "refunds": 9_999,
        "commission": 0,
        "fees": 0,
        "payable": 0,
    }
    assert await settled_sums(line_id) == await fresh_figures(line_id, rate)

    rows = list(csv.reader(io.StringIO(statement_csv(second))))
    assert rows[0][-2:] == ["to_recover_fen (应扣回)", str(first.payable)]
    assert rows[2][-1] == "adjustment" and int(rows[2][9]) == second.payable
    assert rows[-1][0] == "total" and int(rows[-1][-1]) == second.payable

    # The operator recovers it from the deposit: deducted once, the statement is settled.
    await record_deposit_paid(supplier, payment_id=990_001, amount=50_000)
    recovered = await recover_from_deposit(second.id, actor_id=None)
    assert (recovered.status, recovered.paid_ref) == ("paid", "deposit")
    assert await deposit_balance(supplier) == 50_000 - first.payable
    with pytest.raises(SettlementConflict):
        await recover_from_deposit(second.id, actor_id=None)
    with pytest.raises(SettlementConflict):  # a positive statement is paid, not recovered
        await recover_from_deposit(first.id, actor_id=None)


async def test_recovery_is_refused_when_the_deposit_holds_less(db: Engine) -> None:
    bought = await received_order((5_000,))
    supplier = bought["supplier"]
    await issue_statement(supplier, today(), today(), actor_id=None)
    await refund_line(bought, 0)
    negative = await issue_statement(supplier, today(), today(), actor_id=None)

    with pytest.raises(SettlementConflict, match="deposit holds only"):
        await recover_from_deposit(negative.id, actor_id=None)

    assert (await get_statement(negative.id)).status == "issued"  # nothing changed
    assert await deposit_balance(supplier) == 0


async def test_two_simultaneous_statements_claw_back_a_refund_once(db: Engine) -> None:
    bought = await received_order((8_888,))
    supplier = bought["supplier"]
    line_id = bought["lines"][0].id
    await issue_statement(supplier, today(), today(), actor_id=None)
    await refund_line(bought, 0, partial=1_234)

    outcomes = await asyncio.gather(
        issue_statement(supplier, today(), today(), actor_id=None),
        issue_statement(supplier, today(), today(), actor_id=None),
        return_exceptions=True,
    )

    issued = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(issued) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], SettlementConflict), refused
    adjustments = await StatementLine.count().where(
        (StatementLine.order_line_id == line_id) & (StatementLine.revision == 1)
    )
    assert adjustments == 1
    assert (await settled_sums(line_id))["refunds"] == 1_234


async def test_two_simultaneous_first_statements_settle_a_sale_once(db: Engine) -> None:
    bought = await received_order((4_321,))
    supplier = bought["supplier"]

    outcomes = await asyncio.gather(
        issue_statement(supplier, today(), today(), actor_id=None),
        issue_statement(supplier, today(), today(), actor_id=None),
        return_exceptions=True,
    )

    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1, outcomes
    assert all(isinstance(o, SettlementConflict) for o in outcomes if isinstance(o, BaseException))
    assert (
        await StatementLine.count().where(StatementLine.order_line_id == bought["lines"][0].id) == 1
    )
