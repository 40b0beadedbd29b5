"""POS pages: store choice, queue, ready, scan a typed code, hand over, sale, receipt, stock."""

from __future__ import annotations

import re

from httpx import AsyncClient, Response

from accounts.roles import Role
from fulfilment.tables import Fulfilment, Order
from locations.tables import StockLevel
from tests.support.factories import login, make_order, make_product, make_store, make_user, stock
from tests.support.web import submit_form


async def post_form(client: AsyncClient, page: str, url: str, data: dict) -> Response:
    """Submit a form of `page` to `url` as the browser would."""
    return await submit_form(client, url, data, page=page)


async def test_staff_mark_ready_type_code_and_hand_over_on_the_pages(client: AsyncClient) -> None:
    store = await make_store(name="王府井店")
    second = await make_store(name="国贸店")
    product = await make_product(name="小米 14 手机", prices=(3000,))
    variant = product["variant_ids"][0]
    await stock(store, variant, 2)
    staff = await make_user(Role.STAFF, store_ids=[store, second], name="张店员")
    consumer = await make_user(name="王芳")
    order = await make_order(
        consumer.id, [(variant, 1)], location_id=store, payment_method="in_store"
    )
    fid = order.fulfilments[0].id
    await login(client, staff)

    choose = await client.get("/pos")
    assert "王府井店" in choose.text and "国贸店" in choose.text
    queue = await client.get(f"/pos/{store}")
    assert f'data-live-socket="/ws/pos/{store}"' in queue.text
    items = await client.get(f"/pos/{store}/queue-fragment")
    assert order.number in items.text and "小米 14 手机" in items.text

    await post_form(client, f"/pos/{store}", f"/pos/{store}/fulfilments/{fid}/ready", {})
    row = (
        await Fulfilment.select(Fulfilment.short_code, Fulfilment.status)
        .where(Fulfilment.id == fid)
        .first()
    )
    assert row["status"] == "ready_for_pickup"
    scanned = await post_form(
        client, f"/pos/{store}/scan", f"/pos/{store}/scan", {"code": row["short_code"]}
    )
    assert scanned.status_code == 200
    assert "王芳" in scanned.text and "¥30.00" in scanned.text
    assert f"/pos/{store}/fulfilments/{fid}/handover" in scanned.text
    # the form carries the typed code, hidden: the handover needs it
    assert f'<input type="hidden" name="code" value="{row["short_code"]}">' in scanned.text

    without_code = await post_form(
        client,
        f"/pos/{store}/scan",
        f"/pos/{store}/fulfilments/{fid}/handover",
        {"payment_method": "cash"},
    )
    assert without_code.status_code in (200, 302, 303)
    still = await Order.select(Order.status).where(Order.id == order.id).first()
    assert still["status"] != "completed"
    handed = await post_form(
        client,
        f"/pos/{store}/scan",
        f"/pos/{store}/fulfilments/{fid}/handover",
        {"payment_method": "cash", "code": row["short_code"]},
    )
    assert handed.status_code in (200, 302, 303)
    done = await Order.select(Order.status).where(Order.id == order.id).first()
    assert done["status"] == "completed"
    again = await post_form(
        client, f"/pos/{store}/scan", f"/pos/{store}/scan", {"code": row["short_code"]}
    )
    assert 'data-reason="collected"' in again.text and "张店员" in again.text
    # The moment in China time as people write it, not ISO/UTC ("2026-11-28T02:18+00:00").
    assert re.search(r"已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 取走", again.text)
    assert "+00:00" not in again.text


async def test_walk_in_sale_page_scan_pay_and_print_receipt(client: AsyncClient) -> None:
    store = await make_store(name="王府井店")
    product = await make_product(name="华为耳机", prices=(19900,))
    variant = product["variant_ids"][0]
    await stock(store, variant, 3)
    staff = await make_user(Role.STAFF, store_ids=[store])
    await login(client, staff)
    sale_page = f"/pos/{store}/sale"

    await post_form(client, sale_page, f"/pos/{store}/sale/add", {"code": "华为"})
    await post_form(client, sale_page, f"/pos/{store}/sale/add", {"variant_id": str(variant)})
    cart = await client.get(sale_page)
    assert "¥398.00" in cart.text
    paid = await post_form(client, sale_page, f"/pos/{store}/sale/pay", {"payment_method": "card"})
    receipt_url = paid.headers["location"]
    assert re.fullmatch(rf"/pos/{store}/receipts/\d+", receipt_url)
    receipt = await client.get(receipt_url)
    assert "¥398.00" in receipt.text and "@media print" not in receipt.text
    assert "data-print" in receipt.text  # behaviours.js prints on click
    level = await StockLevel.select(StockLevel.on_hand).where(StockLevel.variant == variant).first()
    assert level["on_hand"] == 1
    await post_form(client, sale_page, f"/pos/{store}/sale/pay", {"payment_method": "card"})
    assert "请至少添加一件商品" in (await client.get(sale_page)).text


async def test_stock_page_counts_with_a_reason_and_other_stores_are_forbidden(
    client: AsyncClient,
) -> None:
    store = await make_store()
    other = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 5)
    staff = await make_user(Role.STAFF, store_ids=[store])
    await login(client, staff)

    page = await client.get(f"/pos/{store}/stock")
    assert "盘点" in page.text
    await post_form(
        client,
        f"/pos/{store}/stock",
        f"/pos/{store}/stock",
        {"variant_id": str(variant), "reason": "count", "on_hand": "4"},
    )
    level = await StockLevel.select(StockLevel.on_hand).where(StockLevel.variant == variant).first()
    assert level["on_hand"] == 4
    for path in ("", "/scan", "/sale", "/stock"):
        assert (await client.get(f"/pos/{other}{path}")).status_code == 403


async def test_the_queue_never_shows_a_pickup_code_it_asks_for_it(client: AsyncClient) -> None:
    store = await make_store(name="王府井店")
    variant = (await make_product(prices=(3000,)))["variant_ids"][0]
    await stock(store, variant, 2)
    staff = await make_user(Role.STAFF, store_ids=[store])
    order = await make_order(
        (await make_user()).id, [(variant, 1)], location_id=store, payment_method="in_store"
    )
    fid = order.fulfilments[0].id
    await login(client, staff)

    marked = await post_form(client, f"/pos/{store}", f"/pos/{store}/fulfilments/{fid}/ready", {})
    after = await client.get(f"/pos/{store}")  # the page the flash message is shown on
    items = await client.get(f"/pos/{store}/queue-fragment")
    row = await Fulfilment.select(Fulfilment.short_code).where(Fulfilment.id == fid).first()
    assert row["short_code"]
    for html in (marked.text, after.text, items.text):
        assert row["short_code"] not in html
        assert "KQ1." not in html  # nor the QR token
    assert order.number in items.text and "取货码" in items.text  # it asks for the code
