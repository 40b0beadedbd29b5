"""Supplier money over the API and pages: deposit ledger, deductions, refund on leaving,
statements issued and paid by the operator, seen and downloaded by the supplier only."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.payment_events import receive_callback
from fulfilment.shipments import mark_delivered, ship_fulfilment
from payments.purpose_payments import purpose_payments
from payments.purposes import PaymentPurpose
from settlement.deposits import deduct_deposit, deposit_balance, record_deposit_paid
from settlement.errors import SettlementConflict
from settlement.statements import CHINA
from tests.support.aftersales import received_order, refund_line
from tests.support.factories import (
    BEIJING,
    login,
    make_category,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    sandbox_callback,
    stock,
)
from tests.support.money import pay_dues_via_api
from tests.support.web import submit_form


async def approved_supplier(client: AsyncClient, deposit: int) -> tuple[int, object]:
    supplier = await make_supplier(status="applied")
    operator = await make_user(Role.OPERATOR)
    await login(client, operator)
    approved = await client.post(
        f"/api/operator/suppliers/{supplier}/approve",
        json={"commission_bp": 500, "deposit": deposit},
    )
    assert approved.status_code == 200, approved.text
    staff = await make_user(Role.SUPPLIER, supplier_id=supplier)
    return supplier, staff


async def test_deposit_ledger_payments_deductions_and_refund_on_leaving(
    client: AsyncClient,
) -> None:
    supplier, staff = await approved_supplier(client, 300_000)
    await login(client, staff)
    bad = await client.post("/api/supplier/money/pay", json={"purpose": "lunch"})
    assert bad.status_code == 400 and "purpose" in bad.json()["detail"]
    await client.post("/api/supplier/agreement", json={"version": "2026-11"})
    await pay_dues_via_api(client)
    money = (await client.get("/api/supplier/money")).json()
    assert money["dues"]["status"] == "active"
    assert money["dues"]["deposit_balance"] == 300_000
    assert money["dues"]["entry_fee_paid"] == 100_000
    assert money["dues"]["settled"] is True
    nothing = await client.post("/api/supplier/money/pay", json={"purpose": "deposit"})
    assert nothing.status_code == 409

    assert await deduct_deposit(supplier, 50_000, "纠纷裁定：赔付消费者") == 250_000
    operator = await make_user(Role.OPERATOR)
    await login(client, operator)
    too_much = await client.post(
        f"/api/operator/settlement/suppliers/{supplier}/deduct",
        json={"amount": 250_001, "reason": "超额"},
    )
    assert too_much.status_code == 409
    no_reason = await client.post(
        f"/api/operator/settlement/suppliers/{supplier}/deduct", json={"amount": 1, "reason": ""}
    )
    assert no_reason.status_code == 400
    deducted = await client.post(
        f"/api/operator/settlement/suppliers/{supplier}/deduct",
        json={"amount": 10_000, "reason": "延迟发货罚款"},
    )
    assert deducted.json() == {"amount": 240_000}
    early = await client.post(
        f"/api/operator/settlement/suppliers/{supplier}/refund-deposit", json={}
    )
    assert early.status_code == 409  # still active: suspend first
    await client.post(f"/api/operator/suppliers/{supplier}/suspend", json={"reason": "退出平台"})
    refunded = await client.post(
        f"/api/operator/settlement/suppliers/{supplier}/refund-deposit",
        json={"reason": "退出平台"},
    )
    assert refunded.json() == {"amount": 240_000}
    ledger = (await client.get(f"/api/operator/settlement/suppliers/{supplier}/money")).json()[
        "ledger"
    ]
    assert [(e["kind"], e["amount"]) for e in ledger] == [
        ("payment", 300_000),
        ("deduction", -50_000),
        ("deduction", -10_000),
        ("refund", -240_000),
    ]
    assert sum(e["amount"] for e in ledger) == await deposit_balance(supplier) == 0
    [deposit_payment] = await purpose_payments(PaymentPurpose.DEPOSIT, supplier)
    assert (deposit_payment.status, deposit_payment.refunded_amount) == (
        "partially_refunded",
        240_000,
    )
    try:
        await deduct_deposit(supplier, 1, "空")
        raise AssertionError("deducted from an empty deposit")
    except SettlementConflict:
        pass
    page = await client.get("/operator/settlement")
    assert page.status_code == 200


async def test_a_replayed_deposit_callback_is_recorded_once(client: AsyncClient) -> None:
    supplier, staff = await approved_supplier(client, 200_000)
    await login(client, staff)
    started = (await client.post("/api/supplier/money/pay", json={"purpose": "deposit"})).json()
    body, headers = sandbox_callback(started["payment_id"], amount=200_000)
    await receive_callback("sandbox", body, headers)
    await receive_callback("sandbox", body, headers)
    second_body, second_headers = sandbox_callback(started["payment_id"], amount=200_000)
    await receive_callback("sandbox", second_body, second_headers)  # another event, same payment
    assert await deposit_balance(supplier) == 200_000
    status = (await client.get("/api/supplier/money")).json()["dues"]["status"]
    assert status == "approved"  # the entry fee is still due


async def test_operator_issues_and_pays_a_statement_the_supplier_downloads(
    client: AsyncClient,
) -> None:
    supplier = await make_supplier()
    stranger = await make_supplier()
    category = await make_category()
    variant = (await make_product(supplier_id=supplier, category_id=category, prices=(10_000,)))[
        "variant_ids"
    ][0]
    warehouse = await make_store(BEIJING, kind="warehouse")
    await stock(warehouse, variant, 5)
    order = await make_order((await make_user()).id, [(variant, 3)], method="delivery")
    body, headers = sandbox_callback(order.payment.id, amount=order.total)
    await receive_callback("sandbox", body, headers)
    part = order.fulfilments[0]
    await ship_fulfilment(supplier, part.id, carrier="顺丰", tracking_number="SF9", actor_id=None)
    await mark_delivered(supplier, part.id, actor_id=None)
    today = datetime.now(CHINA).date().isoformat()

    operator = await make_user(Role.OPERATOR)
    await login(client, operator)
    refund = await client.post(
        f"/api/operator/settlement/fulfilments/{part.id}/refund",
        json={"amount": 3_000, "reason": "质量问题部分退款"},
    )
    assert refund.json() == {"refunded": 3_000}
    override = await client.post(
        "/api/operator/settlement/overrides",
        json={"supplier_id": supplier, "category_id": category, "commission_bp": 1000},
    )
    assert override.status_code == 200, override.text
    bad_rate = await client.post(
        "/api/operator/settlement/overrides",
        json={"supplier_id": supplier, "category_id": category, "commission_bp": 9000},
    )
    assert bad_rate.status_code == 400
    backwards = await client.post(
        "/api/operator/settlement/statements",
        json={"supplier_id": supplier, "period_start": today, "period_end": "2000-01-01"},
    )
    assert backwards.status_code == 400 and "period_end" in backwards.json()["detail"]
    issued = await submit_form(
        client,
        "/operator/settlement/statements",
        {"supplier_id": str(supplier), "period_start": today, "period_end": today},
        page="/operator/settlement",
    )
    assert issued.status_code in (302, 303)
    [statement] = (await client.get("/api/operator/settlement/statements")).json()
    net = 30_000 - 3_000
    assert (statement["sales"], statement["refunds"]) == (30_000, 3_000)
    assert statement["commission"] == 2_700  # 10 % in this category
    assert statement["fees"] == (net * 60 + 5000) // 10000
    assert statement["payable"] == net - 2_700 - statement["fees"]
    empty = await client.post(
        "/api/operator/settlement/statements",
        json={"supplier_id": supplier, "period_start": today, "period_end": today},
    )
    assert empty.status_code == 409

    await login(client, await make_user(Role.SUPPLIER, supplier_id=stranger))
    assert (
        await client.get(f"/api/supplier/money/statements/{statement['id']}")
    ).status_code == 404
    assert (await client.get("/api/supplier/money/statements")).json() == []

    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier))
    page = await client.get("/supplier/money")
    assert statement["number"] in page.text
    download = await client.get(f"/supplier/money/statements/{statement['id']}/csv")
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[-1][0] == "total" and int(rows[-1][-1]) == statement["payable"]
    seen = await client.get(f"/supplier/money/statements/{statement['id']}")
    assert seen.status_code == 200 and f'data-payable="{statement["payable"]}"' in seen.text

    await login(client, operator)
    paid = await submit_form(
        client,
        f"/operator/settlement/statements/{statement['id']}/paid",
        {"paid_ref": "招商银行 0001"},
        page="/operator/settlement",
    )
    assert paid.status_code in (302, 303)
    again = await client.post(
        f"/api/operator/settlement/statements/{statement['id']}/paid", json={}
    )
    assert again.status_code == 409
    final = (await client.get(f"/api/operator/settlement/statements/{statement['id']}")).json()
    assert (final["status"], final["paid_ref"]) == ("paid", "招商银行 0001")


async def test_operator_refunds_part_of_a_delivered_order_from_the_page(
    client: AsyncClient,
) -> None:
    supplier = await make_supplier()
    variant = (await make_product(supplier_id=supplier, prices=(10_000,)))["variant_ids"][0]
    await stock(await make_store(BEIJING, kind="warehouse"), variant, 2)
    order = await make_order((await make_user()).id, [(variant, 1)], method="delivery")
    body, headers = sandbox_callback(order.payment.id, amount=order.total)
    await receive_callback("sandbox", body, headers)
    part = order.fulfilments[0]
    await login(client, await make_user(Role.OPERATOR))
    early = await client.post(
        f"/api/operator/settlement/fulfilments/{part.id}/refund",
        json={"amount": 100, "reason": "未送达"},
    )
    assert early.status_code == 409  # not delivered yet: cancel instead
    await ship_fulfilment(supplier, part.id, carrier="顺丰", tracking_number="SF7", actor_id=None)
    await mark_delivered(supplier, part.id, actor_id=None)
    done = await submit_form(
        client,
        "/operator/settlement/refunds",
        {"fulfilment_id": str(part.id), "amount": "12.34", "reason": "包装破损"},
        page="/operator/settlement",
    )
    assert done.status_code in (302, 303)
    too_much = await client.post(
        f"/api/operator/settlement/fulfilments/{part.id}/refund",
        json={"amount": 10_000, "reason": "全退"},
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()["detail"]
    payments = (await client.get(f"/api/orders/{order.id}/payments")).json()
    assert payments[0]["refunded_amount"] == 1_234


async def test_a_refund_after_settlement_shows_as_to_be_recovered(client: AsyncClient) -> None:
    """Settled, then refunded in full: the next statement is negative, and the supplier's
    page, statement page (中文 and English) and CSV say how much is to be recovered."""
    bought = await received_order((10_000,))
    supplier = bought["supplier"]
    today = datetime.now(CHINA).date().isoformat()
    period = {"supplier_id": supplier, "period_start": today, "period_end": today}
    operator = await make_user(Role.OPERATOR)
    await login(client, operator)
    first = (await client.post("/api/operator/settlement/statements", json=period)).json()
    assert first["payable"] > 0 and first["to_recover"] == 0
    assert [ln["kind"] for ln in first["lines"]] == ["sale"]

    await refund_line(bought, 0)
    issued = await submit_form(
        client,
        "/operator/settlement/statements",
        {key: str(value) for key, value in period.items()},
        page="/operator/settlement",
    )
    assert issued.status_code in (302, 303)
    second = (await client.get("/api/operator/settlement/statements")).json()[0]
    assert second["id"] != first["id"]
    assert second["payable"] == -first["payable"] and second["to_recover"] == first["payable"]
    second = (await client.get(f"/api/operator/settlement/statements/{second['id']}")).json()
    [adjustment] = second["lines"]
    assert (adjustment["kind"], adjustment["revision"]) == ("adjustment", 1)
    assert (adjustment["sales"], adjustment["refunds"]) == (0, 10_000)
    console = await client.get("/operator/settlement")
    assert f"/operator/settlement/statements/{second['id']}/recover" in console.text
    # The deposit holds nothing: recovering from it is refused and nothing changes.
    short = await client.post(f"/api/operator/settlement/statements/{second['id']}/recover")
    assert short.status_code == 409 and "保证金" in short.json()["detail"]

    await login(client, bought["supplier_user"])
    page = await client.get("/supplier/money")
    assert f'data-to-recover="{first["payable"]}"' in page.text and "应扣回" in page.text
    seen = await client.get(f"/supplier/money/statements/{second['id']}")
    assert "退款扣回" in seen.text and f'data-payable="{second["payable"]}"' in seen.text
    client.cookies.set("kuaiqu_lang", "en")
    english = await client.get(f"/supplier/money/statements/{second['id']}")
    assert "To be recovered" in english.text and "Refund clawed back" in english.text
    mine = (await client.get(f"/api/supplier/money/statements/{second['id']}")).json()
    assert mine["to_recover"] == first["payable"]
    download = await client.get(f"/supplier/money/statements/{second['id']}/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0][-2:] == ["to_recover_fen (应扣回)", str(first["payable"])]
    assert rows[2][-1] == "adjustment"
    assert rows[-1][0] == "total" and int(rows[-1][-1]) == second["payable"]

    # With a deposit held, the operator's button recovers it: deducted, statement settled.
    await record_deposit_paid(supplier, payment_id=880_001, amount=20_000)
    await login(client, operator)
    recovered = await submit_form(
        client,
        f"/operator/settlement/statements/{second['id']}/recover",
        {},
        page="/operator/settlement",
    )
    assert recovered.status_code in (302, 303)
    after = (await client.get(f"/api/operator/settlement/statements/{second['id']}")).json()
    assert (after["status"], after["paid_ref"]) == ("paid", "deposit")
    assert await deposit_balance(supplier) == 20_000 - first["payable"]
