"""Store staff in Chromium: a consumer's pay-in-store pickup goes ready, is scanned, handed over."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.async_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
STAFF = ("staff.bj@kuaiqu.test", "kuaiqu-demo-staff")
CONSUMER = ("consumer@kuaiqu.test", "kuaiqu-demo-consumer")


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> None:
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text


async def test_staff_mark_ready_type_the_short_code_and_hand_over(
    live_server: str, page: Page
) -> None:
    async with (
        httpx.AsyncClient(base_url=live_server, timeout=20) as staff,
        httpx.AsyncClient(base_url=live_server, timeout=20) as consumer,
    ):
        await log_in(staff, *STAFF)
        await log_in(consumer, *CONSUMER)
        stores = (await staff.get("/api/pos/stores")).json()
        assert len(stores) == 2
        store = stores[0]["id"]
        items = (await staff.get(f"/api/pos/{store}/items")).json()
        item = next(i for i in items if i["available"] > 0)
        placed = await consumer.post(
            "/api/orders",
            headers={"Idempotency-Key": "browser-pos-pickup-1"},
            json={
                "lines": [{"variant_id": item["variant_id"], "quantity": 1}],
                "method": "pickup",
                "location_id": store,
                "payment_method": "in_store",
            },
        )
        assert placed.status_code == 201, placed.text
        order = placed.json()

        await page.set_viewport_size({"width": 1024, "height": 768})
        await page.goto(f"{live_server}/login?next=/pos")
        await page.fill("input[name=email]", STAFF[0])
        await page.fill("input[name=password]", STAFF[1])
        await page.click("button[type=submit]")
        await page.wait_for_url("**/pos")
        await page.click(f"a[href='/pos/{store}']")
        ticket = page.locator(f"article[data-fulfilment='{order['fulfilments'][0]['id']}']")
        await ticket.wait_for()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "pos-queue.png"), full_page=True)

        await ticket.locator("text=标记为待取货").click()
        # The counter never shows the code: it asks the customer for it.
        await ticket.locator(".pos-ask").wait_for()
        assert await page.locator(".pos-code").count() == 0

        # The consumer's phone shows the QR code and the short code they tell the counter.
        shopper = await page.context.browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN"
        )
        phone = await shopper.new_page()
        await phone.goto(f"{live_server}/login?next=/orders/{order['id']}")
        await phone.fill("input[name=email]", CONSUMER[0])
        await phone.fill("input[name=password]", CONSUMER[1])
        await phone.click("button[type=submit]")
        shown = phone.locator(".pickup-short-code")
        await shown.wait_for()
        short_code = (await shown.inner_text()).strip()
        assert len(short_code) == 8
        assert short_code not in await page.content()  # not on the counter's screen
        assert await phone.locator(".pickup-code-card img").evaluate("img => img.complete")
        await phone.screenshot(path=str(SCREENSHOTS / "order-pickup-code.png"), full_page=True)

        await page.click("text=扫码交付")
        field = page.locator("#scan-code")
        assert await field.evaluate("el => el === document.activeElement")
        await page.keyboard.type(short_code)
        await page.keyboard.press("Enter")
        result = page.locator(".pos-result.ok")
        await result.wait_for()
        assert order["number"] in await result.inner_text()
        assert await page.locator("#scan-code").evaluate("el => el === document.activeElement")
        await page.screenshot(path=str(SCREENSHOTS / "pos-scan.png"), full_page=True)
        # The handover form carries the typed code (hidden): no code, no handover.
        carried = page.locator(".pos-handover input[name=code]")
        assert await carried.get_attribute("type") == "hidden"
        assert await carried.get_attribute("value") == short_code
        await page.click("#handover-button")
        await page.wait_for_selector(".flash-success")
        assert order["number"] in await page.locator(".flash-success").inner_text()

        # The consumer's page turns to "collected" by itself.
        await phone.locator(".status-collected").first.wait_for(timeout=10_000)
        await shopper.close()

        after = (await consumer.get(f"/api/orders/{order['id']}")).json()
        assert after["status"] == "completed"
        assert after["fulfilments"][0]["status"] == "collected"


async def test_walk_in_sale_scanned_paid_and_receipt_printed(live_server: str, page: Page) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as staff:
        await log_in(staff, *STAFF)
        store = (await staff.get("/api/pos/stores")).json()[1]["id"]
        items = (await staff.get(f"/api/pos/{store}/items")).json()
        item = next(i for i in items if i["available"] > 1)

        await page.set_viewport_size({"width": 1024, "height": 768})
        await page.goto(f"{live_server}/login?next=/pos/{store}/sale")
        await page.fill("input[name=email]", STAFF[0])
        await page.fill("input[name=password]", STAFF[1])
        await page.click("button[type=submit]")
        await page.wait_for_url(f"**/pos/{store}/sale")
        for _ in range(2):  # a wedge scanner types the SKU and Enter, twice
            await page.locator("input[name=code]").fill(item["sku"])
            # Each scan posts the form and reloads the page: wait for that page before the
            # next scan, or a scan lands on a page that is going away.
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
        await page.locator(".pos-total").wait_for()
        await page.screenshot(path=str(SCREENSHOTS / "pos-sale.png"), full_page=True)
        await page.click("button[value=cash]")
        await page.locator("[data-quick-amount]").last.click()  # the confirmation step
        await page.click("form[data-tender] button.primary")
        await page.wait_for_url(f"**/pos/{store}/receipts/*")
        receipt = page.locator(".pos-receipt")
        assert item["sku"] in await receipt.inner_text()
        await page.emulate_media(media="print")
        assert not await page.locator(".site-header").is_visible()
        await page.screenshot(path=str(SCREENSHOTS / "pos-receipt-print.png"), full_page=True)

        after = (await staff.get(f"/api/pos/{store}/items", params={"q": item["sku"]})).json()
        assert after[0]["on_hand"] == item["on_hand"] - 2
