"""The consumer's side: pickup QR and code on the order page, inbox page and unread badge."""

from __future__ import annotations

import io
import re

import zxingcpp
from httpx import AsyncClient
from PIL import Image

from accounts.roles import Role
from fulfilment.pickup import mark_ready
from tests.support.factories import login, make_order, make_product, make_store, make_user, stock
from tests.support.web import submit_form


async def ready_order(client: AsyncClient) -> tuple[object, object, str]:
    store = await make_store(name="王府井店")
    variant = (await make_product(prices=(3000,)))["variant_ids"][0]
    await stock(store, variant, 1)
    staff = await make_user(Role.STAFF, store_ids=[store])
    consumer = await make_user(name="王芳")
    order = await make_order(
        consumer.id, [(variant, 1)], location_id=store, payment_method="in_store"
    )
    ready = await mark_ready(store, order.fulfilments[0].id, staff)
    await login(client, consumer)
    return consumer, order, ready.short_code


async def test_order_page_shows_the_qr_and_short_code_once_ready(client: AsyncClient) -> None:
    _, order, short_code = await ready_order(client)
    fid = order.fulfilments[0].id

    page = await client.get(f"/orders/{order.id}")
    assert f"/orders/{order.id}/fulfilments/{fid}/pickup-code" in page.text
    fragment = await client.get(f"/orders/{order.id}/fulfilments/{fid}/pickup-code")
    assert short_code in fragment.text
    png = await client.get(f"/api/orders/{order.id}/fulfilments/{fid}/pickup-qr")
    token = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))[0].text
    assert token.startswith("KQ1.") and short_code not in token and "王芳" not in token


async def test_inbox_page_lists_messages_and_the_badge_counts_unread(client: AsyncClient) -> None:
    _, order, short_code = await ready_order(client)

    badge = await client.get("/inbox/badge")
    assert ">1<" in badge.text
    home = await client.get("/")
    assert 'hx-get="/inbox/badge"' in home.text
    page = await client.get("/inbox")
    assert order.number in page.text and short_code in page.text
    notification_id = re.search(r"/inbox/(\d+)/open", page.text).group(1)
    opened = await submit_form(client, f"/inbox/{notification_id}/open", {}, page="/inbox")
    assert opened.headers["location"] == f"/orders/{order.id}"
    assert "badge" not in (await client.get("/inbox/badge")).text


async def test_consumer_chooses_a_pickup_day_within_the_hold_window(client: AsyncClient) -> None:
    store = await make_store(name="王府井店")
    variant = (await make_product(prices=(3000,)))["variant_ids"][0]
    await stock(store, variant, 1)
    staff = await make_user(Role.STAFF, store_ids=[store])
    consumer = await make_user()
    order = await make_order(
        consumer.id, [(variant, 1)], location_id=store, payment_method="in_store"
    )
    fid = order.fulfilments[0].id
    await login(client, consumer)
    base = f"/api/orders/{order.id}/fulfilments/{fid}"

    offered = (await client.get(f"{base}/pickup-days")).json()
    assert 2 <= len(offered["days"]) <= 3  # the store holds pickups three days
    chosen = await client.post(f"{base}/pickup-day", json={"day": offered["days"][-1]})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["chosen"] == offered["days"][-1]
    assert chosen.json()["ready_by"] > offered["ready_by"]
    too_late = await client.post(f"{base}/pickup-day", json={"day": "2099-01-01"})
    assert too_late.status_code == 400
    page = await client.get(f"/orders/{order.id}/fulfilments/{fid}/pickup-day")
    assert offered["days"][-1] in page.text

    await mark_ready(store, fid, staff)
    late = await client.post(f"{base}/pickup-day", json={"day": offered["days"][0]})
    assert late.status_code == 409
    other = await make_user()
    await login(client, other)
    assert (await client.get(f"{base}/pickup-days")).status_code == 404
