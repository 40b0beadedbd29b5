"""The dashboard's figures equal the sums over the generated orders, views and refunds."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from piccolo.engine.base import Engine

from accounts.roles import Role
from analytics import events, rollups
from analytics.events import EventKind
from analytics.periods import today
from fulfilment.payment_events import pay_in_sandbox
from fulfilment.pickup import hand_over, mark_ready
from fulfilment.views import load_order
from payments.refunds import refund_order_payments
from tests.support.factories import (
    counter_limiter,
    login,
    make_category,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    pickup_code,
    stock,
)


async def _paid(order: Any) -> Any:
    await pay_in_sandbox(order.payment.id, order.customer_id, "succeeded")
    return await load_order(order.id)


async def _generate() -> dict[str, Any]:
    store = await make_store(name="快取 王府井店")
    supplier_a = await make_supplier("甲供应商")
    supplier_b = await make_supplier("乙供应商")
    phones = await make_category("手机")
    tea = await make_category("茶叶")
    phone = await make_product(
        supplier_id=supplier_a, category_id=phones, name="华为 Mate 60", prices=(10000,)
    )
    leaves = await make_product(
        supplier_id=supplier_b, category_id=tea, name="龙井", prices=(2500,)
    )
    pv, tv = phone["variant_ids"][0], leaves["variant_ids"][0]
    await stock(store, pv, 50)
    await stock(store, tv, 50)
    staff = await make_user(Role.STAFF, store_ids=[store])
    consumer = await make_user()

    collected = await _paid(await make_order(consumer.id, [(pv, 2), (tv, 1)], location_id=store))
    fid = collected.fulfilments[0].id
    await mark_ready(store, fid, staff)
    await hand_over(store, fid, staff, await pickup_code(fid), counter_limiter())
    delivered = await _paid(await make_order(consumer.id, [(tv, 3)], method="delivery"))
    await refund_order_payments(order_id=delivered.id, amount=1000, reason="破损")
    unpaid = await make_order(consumer.id, [(pv, 1)], location_id=store)
    waiting = await _paid(await make_order(consumer.id, [(tv, 1)], location_id=store))
    await mark_ready(store, waiting.fulfilments[0].id, staff)

    events.discard()
    for _ in range(5):
        events.record(EventKind.VIEW, user_id=consumer.id, product_id=phone["id"])
    for _ in range(3):
        events.record(EventKind.CART_ADD, user_id=consumer.id, product_id=phone["id"])
    for _ in range(4):
        events.record(EventKind.REC_IMPRESSION, product_id=phone["id"], detail="home:you_may_like")
    events.record(EventKind.REC_CLICK, product_id=phone["id"], detail="home:you_may_like")
    events.record(EventKind.SEARCH, detail="手机")
    await events.flush()
    orders = [await load_order(o.id) for o in (collected, delivered, unpaid, waiting)]
    return {
        "orders": orders,
        "store": store,
        "suppliers": (supplier_a, supplier_b),
        "products": (phone["id"], leaves["id"]),
        "categories": (phones, tea),
    }


async def test_dashboard_figures_equal_sums_over_the_data(client: AsyncClient, db: Engine) -> None:
    data = await _generate()
    await rollups.rebuild_day(today())
    await rollups.rebuild_day(today())  # rebuilding is idempotent
    operator = await make_user(Role.OPERATOR)
    await login(client, operator)
    response = await client.get("/api/operator/analytics/")
    assert response.status_code == 200, response.text
    body = response.json()
    o = body["overview"]

    paid = [order for order in data["orders"] if order.paid_at is not None]
    gmv = sum(order.total for order in paid)
    assert o["gmv"] == gmv
    assert o["orders"] == len(paid) == 3
    assert o["orders_placed"] == 4
    assert o["average_order_value"] == gmv // len(paid)
    assert o["funnel"] == {"views": 5, "cart_adds": 3, "orders": 4, "paid": 3}
    assert o["searches"] == 1
    fulfilments = [f for order in paid for f in order.fulfilments]
    pickups = [f for f in fulfilments if f.method == "pickup"]
    assert o["pickup_fulfilments"] == len(pickups) == 2
    assert o["delivery_fulfilments"] == len(fulfilments) - len(pickups) == 1
    assert o["pickup_share"] == round(2 / 3, 4)
    assert o["ready_pickups"] == 2
    assert o["collected_pickups"] == 1
    assert o["uncollected_pickups"] == 1
    assert o["expired_pickups"] == 0
    assert o["uncollected_rate"] == 0.5
    assert o["refunded_amount"] == 1000
    assert o["refunded_orders"] == 1
    assert o["refund_rate"] == round(1000 / gmv, 4)
    assert o["rec_impressions"] == 4 and o["rec_clicks"] == 1
    assert o["rec_click_through"] == 0.25

    lines = [line for order in paid for f in order.fulfilments for line in f.lines]
    phone, leaves = data["products"]
    by_product = {row["id"]: row for row in body["top_products"]}
    for product_id, supplier_id in zip(data["products"], data["suppliers"], strict=True):
        mine = [ln for ln in lines if ln.supplier_id == supplier_id]
        assert by_product[product_id]["units"] == sum(ln.quantity for ln in mine)
        assert by_product[product_id]["amount"] == sum(ln.line_total for ln in mine)
    assert by_product[phone]["orders"] == 1 and by_product[leaves]["orders"] == 3
    assert [row["id"] for row in body["top_products"]] == [phone, leaves]  # by amount
    assert {row["id"] for row in body["top_categories"]} == set(data["categories"])
    assert sum(row["amount"] for row in body["stores"]) == sum(ln.line_total for ln in lines)
    assert sum(row["orders"] for row in body["series"]) == 3
    assert sum(row["gmv"] for row in body["series"]) == gmv
    suppliers = {row["id"]: row for row in body["suppliers"]}
    assert suppliers[data["suppliers"][1]]["refunded_orders"] == 1
    assert suppliers[data["suppliers"][1]]["return_rate"] == round(1 / 3, 4)
    assert body["recommendations"] == [
        {
            "list": "you_may_like",
            "page": "home",
            "impressions": 4,
            "clicks": 1,
            "click_through": 0.25,
        }
    ]

    csv = await client.get("/api/operator/analytics/export/top_products")
    assert csv.status_code == 200
    assert csv.text.lstrip("\ufeff").splitlines()[0] == "id,name,units,amount,orders"
    page = await client.get("/operator/analytics")
    assert page.status_code == 200
    assert "华为 Mate 60" in page.text


async def test_bad_period_and_unknown_table_are_4xx(client: AsyncClient, db: Engine) -> None:
    await login(client, await make_user(Role.OPERATOR))
    bad = await client.get("/api/operator/analytics/?start=2026-12-05&end=2026-12-01")
    assert bad.status_code == 400
    assert (await client.get("/api/operator/analytics/?grain=year")).status_code == 400
    assert (await client.get("/api/operator/analytics/?start=notadate")).status_code == 400
    assert (await client.get("/api/operator/analytics/tables/nope")).status_code == 404
    consumer = await make_user()
    await login(client, consumer)
    assert (await client.get("/api/operator/analytics/")).status_code == 403


async def test_a_rebuilt_day_reaches_the_cached_dashboard(client: AsyncClient, db: Engine) -> None:
    """The sums are cached per period, and rebuilding a day makes the next answer new."""
    data = await _generate()
    await rollups.rebuild_day(today())
    operator = await make_user(Role.OPERATOR)
    await login(client, operator)
    before = (await client.get("/api/operator/analytics/")).json()["overview"]
    again = (await client.get("/api/operator/analytics/")).json()["overview"]
    assert again == before  # served from the cache, same figures

    consumer = await make_user()
    variant = data["orders"][0].fulfilments[0].lines[0].variant_id
    late = await _paid(await make_order(consumer.id, [(variant, 1)], location_id=data["store"]))
    unchanged = (await client.get("/api/operator/analytics/")).json()["overview"]
    assert unchanged["orders"] == before["orders"]  # the rollups have not seen it yet

    await rollups.rebuild_day(today())
    after = (await client.get("/api/operator/analytics/")).json()["overview"]
    assert after["orders"] == before["orders"] + 1
    assert after["gmv"] == before["gmv"] + late.total
