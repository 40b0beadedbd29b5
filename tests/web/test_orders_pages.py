"""Consumer pages: checkout (pickup and delivery), my orders, one order with its timeline."""

from __future__ import annotations

import re

from httpx import AsyncClient

from tests.support.factories import (
    BEIJING,
    counter_limiter,
    login,
    make_order,
    make_product,
    make_store,
    make_user,
    pickup_code,
    stock,
)
from tests.support.web import submit_form


async def test_checkout_page_quotes_and_places_a_pickup_order(client: AsyncClient) -> None:
    store = await make_store(BEIJING, name="王府井店")
    variant = (await make_product(name="故宫文创", prices=(8800,)))["variant_ids"][0]
    await stock(store, variant, 3)
    await login(client, await make_user())
    await client.post("/api/cart/items", json={"variant_id": variant, "quantity": 2})

    page = await client.get(f"/checkout?lat={BEIJING[0]}&lon={BEIJING[1]}")
    assert page.status_code == 200
    assert "王府井店" in page.text and "故宫文创" in page.text and "¥176.00" in page.text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)

    placed = await submit_form(
        client,
        "/checkout",
        {
            "method": "pickup",
            "lat": str(BEIJING[0]),
            "lon": str(BEIJING[1]),
            "location_id": str(store),
            "payment_method": "in_store",
            "idempotency_key": key,
        },
        page="/cart",
    )
    assert placed.status_code in (302, 303), placed.text
    order_page = await client.get(placed.headers["location"])
    assert "王府井店" in order_page.text
    assert (await client.get("/api/cart/items")).json()["items"] == []
    assert len((await client.get("/api/orders")).json()) == 1


async def test_checkout_shows_why_an_order_cannot_be_placed(client: AsyncClient) -> None:
    store = await make_store(BEIJING)
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 1)
    await login(client, await make_user())
    client.cookies.set("kuaiqu_lang", "en")

    page = await submit_form(
        client,
        "/checkout",
        {
            "buy_now": f"{variant}:1",
            "method": "pickup",
            "location_id": str(store),
            "payment_method": "",
        },
        page="/login",
    )

    assert page.status_code == 400
    assert "Choose how to pay" in page.text


async def test_order_pages_show_the_timeline_and_cancel(client: AsyncClient) -> None:
    store = await make_store(BEIJING, name="国贸店")
    variant = (await make_product(name="绿茶"))["variant_ids"][0]
    await stock(store, variant, 3)
    buyer = await make_user()
    order = await make_order(buyer.id, [(variant, 1)], location_id=store)
    await login(client, buyer)

    listing = await client.get("/orders")
    assert order.number in listing.text
    detail = await client.get(f"/orders/{order.id}")
    assert "国贸店" in detail.text and "timeline" in detail.text
    cancelled = await submit_form(
        client, f"/orders/{order.id}/cancel", {}, page=f"/orders/{order.id}"
    )
    assert cancelled.status_code in (302, 303)
    assert (await client.get(f"/api/orders/{order.id}")).json()["status"] == "cancelled"
    other = await make_user()
    await login(client, other)
    assert (await client.get(f"/orders/{order.id}")).status_code == 404


async def test_delivery_form_is_posted_and_refuses_an_invalid_mobile_number(
    client: AsyncClient,
) -> None:
    variant = (await make_product(name="故宫文创"))["variant_ids"][0]
    await stock(await make_store(BEIJING, kind="warehouse"), variant, 3)
    await login(client, await make_user())
    fields = {
        "buy_now": f"{variant}:1",
        "method": "delivery",
        "lat": str(BEIJING[0]),
        "lon": str(BEIJING[1]),
        "name": "王芳",
        "phone": "123",
        "detail": "朝阳路 1 号",
        "payment_method": "cod",
    }
    form = await client.get(f"/checkout?buy_now={variant}:1&method=delivery")
    assert 'method="post" action="/checkout"' in form.text
    assert 'formmethod="get"' not in form.text and 'name="intent" value="update"' in form.text

    updated = await submit_form(client, "/checkout", {**fields, "intent": "update"}, page="/login")
    assert updated.status_code == 200 and 'value="王芳"' in updated.text  # re-quoted, kept
    assert "手机号 123 无效" in updated.text  # said at once, not only when placing
    refused = await submit_form(client, "/checkout", fields, page="/login")
    assert refused.status_code == 400
    assert "手机号 123 无效" in refused.text
    # Personal data given in a link is not taken into the form.
    linked = await client.get(f"/checkout?buy_now={variant}:1&method=delivery&phone=13900000000")
    assert "13900000000" not in linked.text


async def test_pickup_choices_are_near_the_buyer_with_todays_hours(client: AsyncClient) -> None:
    from datetime import UTC, datetime

    from fulfilment.hours import STORE_TZ
    from locations.tables import Location
    from tests.support.factories import SHANGHAI

    near = await make_store(BEIJING, name="王府井店")
    far = await make_store(SHANGHAI, name="南京路店")
    week = [f"{9 + day:02d}:00-21:00" for day in range(7)]  # Monday 09:00 … Sunday 15:00
    await Location.update({Location.opening_hours: week}).where(Location.id == near)
    variant = (await make_product())["variant_ids"][0]
    await stock(near, variant, 1)
    await stock(far, variant, 5)
    await login(client, await make_user())

    page = await client.get(f"/checkout?buy_now={variant}:2&lat={BEIJING[0]}&lon={BEIJING[1]}")
    assert "南京路店" not in page.text  # 1,000 km away: not a pickup choice
    assert "王府井店" in page.text
    today = datetime.now(UTC).astimezone(STORE_TZ).weekday()
    assert f"今日营业时间: {week[today]}" in page.text
    alone = await client.get(f"/checkout?buy_now={variant}:1&lat=23.13&lon=113.32")  # Guangzhou
    assert "50 公里内没有可自提" in alone.text


async def test_the_timeline_speaks_plainly_in_both_languages(client: AsyncClient) -> None:
    from accounts.roles import Role
    from fulfilment.pickup.handover import hand_over
    from fulfilment.pickup.staff_moves import mark_ready

    store = await make_store(BEIJING, name="国贸店")
    variant = (await make_product(name="绿茶"))["variant_ids"][0]
    await stock(store, variant, 3)
    buyer = await make_user()
    staff = await make_user(Role.STAFF, store_ids=[store])
    order = await make_order(buyer.id, [(variant, 1)], location_id=store, payment_method="in_store")
    fid = order.fulfilments[0].id
    await mark_ready(store, fid, staff)
    await login(client, buyer)
    ready = await client.get(f"/orders/{order.id}")
    assert "请在此时间前取货" in ready.text
    assert "今日营业时间" in ready.text and "https://uri.amap.com/search?keyword=" in ready.text
    await hand_over(
        store, fid, staff, await pickup_code(fid), counter_limiter(), payment_method="cash"
    )

    page = await client.get(f"/orders/{order.id}")
    timeline = page.text[page.text.index('class="timeline"') :]
    assert "已分配" not in page.text and "已接单" in timeline
    assert '已付款</strong> <span class="muted">→ 已付款' not in timeline
    assert "请在此时间前取货" not in page.text  # collected: no deadline any more
    client.cookies.set("kuaiqu_lang", "en")
    english = await client.get(f"/orders/{order.id}")
    words = re.findall(r"<strong>([^<]+)</strong>|→ ([^<]+)</span>", english.text)
    shown = {w.strip() for pair in words for w in pair if w}
    assert not shown & {"paid", "allocated", "pending_payment", "collected", "placed", "completed"}
    assert "Accepted" in english.text and "Collected" in english.text


async def test_checkout_lines_show_the_variants_options_not_the_sku(client: AsyncClient) -> None:
    from fulfilment.goods import goods_by_id

    store = await make_store(BEIJING)
    variant = (await make_product(name="双色 T恤", prices=(7900, 9900)))["variant_ids"][1]
    await stock(store, variant, 3)
    await login(client, await make_user())
    sku = (await goods_by_id([variant]))[variant].sku
    page = await client.get(f"/checkout?buy_now={variant}:1&lat={BEIJING[0]}&lon={BEIJING[1]}")
    items = page.text[page.text.index("双色 T恤") :][:300]
    assert "v1" in items and sku not in page.text
