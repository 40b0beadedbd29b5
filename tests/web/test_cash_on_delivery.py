"""Cash on delivery that completes: cash collected moves the order on; a refusal returns stock."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.moves import now_utc
from fulfilment.sweeps import auto_confirm_orders
from payments.service import payments_for_order
from tests.support.factories import (
    BEIJING,
    SHANGHAI,
    login,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
)
from tests.support.stock import assert_ledger_matches_levels
from tests.support.stock import stock_level as level
from tests.support.web import submit_form


async def cod_order(quantity: int = 1, *, two_suppliers: bool = False) -> dict:
    supplier = await make_supplier()
    variant = (await make_product(supplier_id=supplier, name="龙井茶", prices=(5000,)))[
        "variant_ids"
    ][0]
    warehouse = await make_store(BEIJING, kind="warehouse")
    await stock(warehouse, variant, 5)
    lines = [(variant, quantity)]
    other = other_variant = other_warehouse = None
    if two_suppliers:
        other = await make_supplier()
        other_variant = (await make_product(supplier_id=other, name="大米", prices=(9000,)))[
            "variant_ids"
        ][0]
        other_warehouse = await make_store(SHANGHAI, kind="warehouse")
        await stock(other_warehouse, other_variant, 5)
        lines.append((other_variant, 1))
    buyer = await make_user()
    order = await make_order(buyer.id, lines, method="delivery", payment_method="cod")
    return {
        "supplier": supplier,
        "variant": variant,
        "warehouse": warehouse,
        "buyer": buyer,
        "order": order,
        "other": other,
        "other_variant": other_variant,
        "other_warehouse": other_warehouse,
    }


async def ship(client: AsyncClient, fulfilment_id: int) -> None:
    shipped = await client.post(
        f"/api/supplier/fulfilments/{fulfilment_id}/ship",
        json={"carrier": "顺丰速运", "tracking_number": "SF1"},
    )
    assert shipped.status_code == 200, shipped.text


async def test_cod_placed_shipped_cash_collected_completed_reviewed(client: AsyncClient) -> None:
    made = await cod_order(2)
    order = made["order"]
    parcel = order.fulfilments[0].id
    await login(client, await make_user(Role.SUPPLIER, supplier_id=made["supplier"]))
    await ship(client, parcel)

    plain = await client.post(f"/api/supplier/fulfilments/{parcel}/deliver")
    assert plain.status_code == 409  # cash on delivery: the cash or the refusal is recorded
    wrong = await client.post(f"/api/supplier/fulfilments/{parcel}/cash", json={"amount": 1})
    assert wrong.status_code == 400 and "amount" in wrong.json()["detail"]
    negative = await client.post(f"/api/supplier/fulfilments/{parcel}/cash", json={"amount": -5})
    assert negative.status_code == 400
    collected = await client.post(
        f"/api/supplier/fulfilments/{parcel}/cash", json={"amount": order.total}
    )
    assert collected.status_code == 200, collected.text
    assert collected.json()["status"] == "delivered"
    again = await client.post(
        f"/api/supplier/fulfilments/{parcel}/cash", json={"amount": order.total}
    )
    assert again.status_code == 409
    [payment] = await payments_for_order(order.id)
    assert (payment.status, payment.method, payment.amount) == ("succeeded", "cash", order.total)

    await login(client, made["buyer"])
    seen = (await client.get(f"/api/orders/{order.id}")).json()
    assert seen["status"] == "paid"
    confirmed = await client.post(f"/api/orders/{order.id}/confirm-receipt")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "completed"
    line = seen["fulfilments"][0]["lines"][0]
    review = await client.post(
        f"/api/orders/{order.id}/lines/{line['id']}/review",
        json={"rating": 5, "text": "货到付款很方便"},
    )
    assert review.status_code in (200, 201), review.text
    await assert_ledger_matches_levels()


async def test_cod_order_completes_by_the_auto_confirm_sweep(client: AsyncClient) -> None:
    made = await cod_order()
    order = made["order"]
    parcel = order.fulfilments[0].id
    await login(client, await make_user(Role.SUPPLIER, supplier_id=made["supplier"]))
    await ship(client, parcel)
    await client.post(f"/api/supplier/fulfilments/{parcel}/cash", json={"amount": order.total})

    assert await auto_confirm_orders(now_utc()) == []
    assert await auto_confirm_orders(now_utc() + timedelta(days=8)) == [order.id]


async def test_refused_parcel_returns_its_stock_and_cancels_the_order(
    client: AsyncClient,
) -> None:
    made = await cod_order(2)
    order = made["order"]
    parcel = order.fulfilments[0].id
    await login(client, await make_user(Role.SUPPLIER, supplier_id=made["supplier"]))
    await ship(client, parcel)
    assert await level(made["warehouse"], made["variant"]) == (3, 0)

    refused = await client.post(
        f"/api/supplier/fulfilments/{parcel}/refuse", json={"reason": "不想要了"}
    )
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "refused"
    assert await level(made["warehouse"], made["variant"]) == (5, 0)
    twice = await client.post(f"/api/supplier/fulfilments/{parcel}/refuse", json={})
    assert twice.status_code == 409
    assert await level(made["warehouse"], made["variant"]) == (5, 0)
    [payment] = await payments_for_order(order.id)
    assert payment.status == "failed"
    await login(client, made["buyer"])
    assert (await client.get(f"/api/orders/{order.id}")).json()["status"] == "cancelled"
    await assert_ledger_matches_levels()


async def test_one_parcel_refused_the_other_paid_for_what_was_collected(
    client: AsyncClient,
) -> None:
    made = await cod_order(two_suppliers=True)
    order = made["order"]
    first, second = sorted(order.fulfilments, key=lambda f: f.id)
    owner = {made["supplier"]: made["supplier"], made["other"]: made["other"]}
    await login(client, await make_user(Role.SUPPLIER, supplier_id=owner[first.supplier_id]))
    await ship(client, first.id)
    listed = await client.get("/supplier/fulfilments")
    assert "data-cash-due" in listed.text
    refused = await submit_form(
        client, f"/supplier/fulfilments/{first.id}/refuse", {}, page="/supplier/fulfilments"
    )
    assert refused.status_code in (302, 303)

    await login(client, await make_user(Role.SUPPLIER, supplier_id=owner[second.supplier_id]))
    await ship(client, second.id)
    second_due = sum(ln.line_total for ln in second.lines)
    collected = await submit_form(
        client, f"/supplier/fulfilments/{second.id}/cash", {}, page="/supplier/fulfilments"
    )
    assert collected.status_code in (302, 303)
    [payment] = await payments_for_order(order.id)
    assert (payment.status, payment.amount) == ("succeeded", second_due)
    await login(client, made["buyer"])
    assert (await client.get(f"/api/orders/{order.id}")).json()["status"] == "paid"
    await assert_ledger_matches_levels()
