"""Supplier dashboard (sales, shipments due, turnover, alerts to the inbox) and POS dashboard."""

from __future__ import annotations

from httpx import AsyncClient
from piccolo.engine.base import Engine

from accounts.roles import Role
from analytics import rollups
from analytics.periods import today
from analytics.stock_alerts import send_stock_alerts
from fulfilment.payment_events import pay_in_sandbox
from fulfilment.pickup import mark_ready
from locations.stock import set_threshold
from notifications.service import inbox
from tests.support.factories import (
    login,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
)


async def test_supplier_dashboard_and_stock_alerts(client: AsyncClient, db: Engine) -> None:
    store = await make_store(name="快取 国贸店")
    supplier = await make_supplier("甲供应商")
    phone = await make_product(supplier_id=supplier, name="华为 Mate 60", prices=(10000,))
    variant = phone["variant_ids"][0]
    await stock(store, variant, 5)
    await set_threshold(location_id=store, variant_id=variant, threshold=3)
    member = await make_user(Role.SUPPLIER, supplier_id=supplier)
    consumer = await make_user()
    shipped = await make_order(consumer.id, [(variant, 3)], method="delivery")
    await pay_in_sandbox(shipped.payment.id, consumer.id, "succeeded")
    await rollups.rebuild_day(today())

    assert await send_stock_alerts() == 1  # 2 left of a threshold of 3: low
    assert await send_stock_alerts() == 0  # sent once
    messages = [m for m in await inbox(member.id) if m.kind != "new_order"]
    assert len(messages) == 1 and "华为 Mate 60" in messages[0].title

    await login(client, member)
    body = (await client.get("/api/supplier/analytics/")).json()
    assert body["sales"] == {
        "orders": 1,
        "units": 3,
        "amount": 30000,
        "refunded_orders": 0,
        "return_rate": 0.0,
    }
    assert [row["order_number"] for row in body["to_ship"]] == [shipped.number]
    assert body["to_ship"][0]["overdue"] is False
    assert [(a["sku"] != "", a["level"], a["available"]) for a in body["alerts"]] == [
        (True, "low", 2)
    ]
    assert body["turnover"][0]["sold"] == 3 and body["turnover"][0]["on_hand"] == 5
    assert body["top_products"][0]["units"] == 3
    page = await client.get("/supplier/analytics")
    assert page.status_code == 200 and shipped.number in page.text

    other = await make_user(Role.SUPPLIER, supplier_id=await make_supplier("乙供应商"))
    await login(client, other)
    assert (await client.get("/api/supplier/analytics/")).json()["to_ship"] == []
    await login(client, consumer)
    assert (await client.get("/api/supplier/analytics/")).status_code == 403


async def test_store_dashboard_shows_todays_pickups(client: AsyncClient, db: Engine) -> None:
    store = await make_store()
    product = await make_product()
    variant = product["variant_ids"][0]
    await stock(store, variant, 5)
    staff = await make_user(Role.STAFF, store_ids=[store])
    consumer = await make_user()
    order = await make_order(consumer.id, [(variant, 1)], location_id=store)
    await pay_in_sandbox(order.payment.id, consumer.id, "succeeded")
    await mark_ready(store, order.fulfilments[0].id, staff)

    await login(client, staff)
    body = (await client.get(f"/api/pos/{store}/dashboard")).json()
    assert [p["order_number"] for p in body["pickups"]] == [order.number]
    assert body["walk_in_orders"] == 0
    page = await client.get(f"/pos/{store}/dashboard")
    assert page.status_code == 200 and order.number in page.text
    elsewhere = await make_store()
    assert (await client.get(f"/api/pos/{elsewhere}/dashboard")).status_code == 403
