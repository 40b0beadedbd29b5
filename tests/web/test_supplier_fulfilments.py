"""Suppliers see and ship only their own delivery fulfilments; the consumer sees tracking."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.orders import mark_order_paid
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
from tests.support.web import submit_form


async def two_supplier_order() -> dict:
    north, south = await make_supplier(), await make_supplier()
    tea = (await make_product(supplier_id=north, name="龙井茶", prices=(5000,)))["variant_ids"][0]
    rice = (await make_product(supplier_id=south, name="五常大米", prices=(9000,)))["variant_ids"][
        0
    ]
    await stock(await make_store(BEIJING, kind="warehouse"), tea, 5)
    await stock(await make_store(SHANGHAI, kind="warehouse"), rice, 5)
    buyer = await make_user()
    order = await make_order(buyer.id, [(tea, 1), (rice, 1)], method="delivery")
    await mark_order_paid(order.id, payment_id=order.payment.id)
    return {
        "north": north,
        "south": south,
        "tea": tea,
        "rice": rice,
        "buyer": buyer,
        "order": order,
    }


async def test_each_supplier_sees_only_its_own_fulfilment(client: AsyncClient) -> None:
    made = await two_supplier_order()
    await login(client, await make_user(Role.SUPPLIER, supplier_id=made["north"]))

    listed = (await client.get("/api/supplier/fulfilments")).json()

    assert len(listed) == 1
    assert [ln["variant_id"] for ln in listed[0]["lines"]] == [made["tea"]]
    assert listed[0]["order_number"] == made["order"].number
    assert listed[0]["ship_to"]["name"] == "王芳"
    south_id = next(f.id for f in made["order"].fulfilments if f.supplier_id == made["south"])
    refused = await client.post(
        f"/api/supplier/fulfilments/{south_id}/ship",
        json={"carrier": "顺丰速运", "tracking_number": "SF1"},
    )
    assert refused.status_code == 404


async def test_shipping_with_tracking_shows_on_the_consumer_order(client: AsyncClient) -> None:
    made = await two_supplier_order()
    north_id = next(f.id for f in made["order"].fulfilments if f.supplier_id == made["north"])
    await login(client, await make_user(Role.SUPPLIER, supplier_id=made["north"]))

    missing = await client.post(
        f"/api/supplier/fulfilments/{north_id}/ship", json={"carrier": "", "tracking_number": ""}
    )
    assert missing.status_code == 400
    shipped = await client.post(
        f"/api/supplier/fulfilments/{north_id}/ship",
        json={"carrier": "顺丰速运", "tracking_number": "SF1234567890"},
    )
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["status"] == "shipped"
    again = await client.post(
        f"/api/supplier/fulfilments/{north_id}/ship",
        json={"carrier": "顺丰速运", "tracking_number": "SF1234567890"},
    )
    assert again.status_code == 409

    await login(client, made["buyer"])
    page = await client.get(f"/orders/{made['order'].id}")
    assert "SF1234567890" in page.text and "顺丰速运" in page.text


async def test_the_supplier_page_ships_and_marks_delivered(client: AsyncClient) -> None:
    made = await two_supplier_order()
    north_id = next(f.id for f in made["order"].fulfilments if f.supplier_id == made["north"])
    await login(client, await make_user(Role.SUPPLIER, supplier_id=made["north"]))

    page = await client.get("/supplier/fulfilments")
    assert page.status_code == 200 and "龙井茶" in page.text and "五常大米" not in page.text
    shipped = await submit_form(
        client,
        f"/supplier/fulfilments/{north_id}/ship",
        {"carrier": "中通快递", "tracking_number": "ZT778899"},
        page="/supplier/fulfilments",
    )
    assert shipped.status_code in (302, 303)
    delivered = await submit_form(
        client,
        f"/supplier/fulfilments/{north_id}/deliver",
        {},
        page="/supplier/fulfilments",
    )
    assert delivered.status_code in (302, 303)
    assert "ZT778899" in (await client.get("/supplier/fulfilments?status=delivered")).text
