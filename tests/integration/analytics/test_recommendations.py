"""Recommendations from orders and views; impressions and clicks reach the dashboard."""

from __future__ import annotations

from httpx import AsyncClient
from piccolo.engine.base import Engine

from accounts.roles import Role
from analytics import events, rollups
from analytics.periods import today
from fulfilment.payment_events import pay_in_sandbox
from tests.support.factories import (
    login,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
)


async def test_bought_together_recently_viewed_and_click_through(
    client: AsyncClient, db: Engine
) -> None:
    events.discard()
    store = await make_store()
    supplier = await make_supplier()
    phone = await make_product(supplier_id=supplier, name="华为 Mate 60")
    case = await make_product(supplier_id=supplier, name="手机壳")
    other = await make_product(supplier_id=supplier, name="耳机")
    for product in (phone, case, other):
        await stock(store, product["variant_ids"][0], 20)
    buyer = await make_user()
    order = await make_order(
        buyer.id, [(phone["variant_ids"][0], 1), (case["variant_ids"][0], 1)], location_id=store
    )
    await pay_in_sandbox(order.payment.id, buyer.id, "succeeded")

    shopper = await make_user()
    await login(client, shopper)
    assert (await client.get(f"/products/{other['id']}")).status_code == 200
    assert (await client.get(f"/search?q={'手机'}")).status_code == 200
    await events.flush()

    answer = await client.get(f"/api/recommendations/?page=product&product_id={phone['id']}")
    assert answer.status_code == 200, answer.text
    lists = {item["kind"]: item["items"] for item in answer.json()["lists"]}
    assert [p["id"] for p in lists["bought_together"]] == [case["id"]]
    assert [p["id"] for p in lists["recently_viewed"]] == [other["id"]]
    fragment = await client.get(f"/fragments/recommendations?page=product&product_id={phone['id']}")
    assert fragment.status_code == 200 and "手机壳" in fragment.text
    click = await client.get(lists["bought_together"][0]["url"])
    assert (
        click.status_code in (302, 303) and click.headers["location"] == f"/products/{case['id']}"
    )
    assert (await client.get("/rec/nowhere/you_may_like/1")).status_code == 400
    await events.flush()

    await rollups.rebuild_day(today())
    await login(client, await make_user(Role.OPERATOR))
    body = (await client.get("/api/operator/analytics/")).json()
    rows = {(r["list"], r["page"]): r for r in body["recommendations"]}
    assert rows[("bought_together", "product")]["impressions"] == 2  # API and fragment
    assert rows[("bought_together", "product")]["clicks"] == 1
    assert rows[("bought_together", "product")]["click_through"] == 0.5
    assert body["overview"]["funnel"]["views"] == 1
    assert body["overview"]["searches"] == 1
