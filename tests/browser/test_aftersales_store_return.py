"""After-sales in Chromium: a consumer returns a collected item at a store and sees the refund."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.async_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
STAFF = ("staff.bj@kuaiqu.test", "kuaiqu-demo-staff")
CONSUMER = ("consumer@kuaiqu.test", "kuaiqu-demo-consumer")
SUPPLIERS = ("supplier@kuaiqu.test", "supplier2@kuaiqu.test")
SUPPLIER_PASSWORD = "kuaiqu-demo-supplier"


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> None:
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text


async def sign_in(page: Page, base: str, email: str, password: str, then: str) -> None:
    await page.goto(f"{base}/login?next={then}")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"**{then}")


async def test_return_at_a_store_is_received_and_refunded(live_server: str, page: Page) -> None:
    async with (
        httpx.AsyncClient(base_url=live_server, timeout=20) as staff,
        httpx.AsyncClient(base_url=live_server, timeout=20) as consumer,
    ):
        await log_in(staff, *STAFF)
        await log_in(consumer, *CONSUMER)
        store = (await staff.get("/api/pos/stores")).json()[0]["id"]
        items = (await staff.get(f"/api/pos/{store}/items")).json()
        item = next(i for i in items if i["available"] > 0)
        placed = await consumer.post(
            "/api/orders",
            headers={"Idempotency-Key": "browser-aftersales-1"},
            json={
                "lines": [{"variant_id": item["variant_id"], "quantity": 1}],
                "method": "pickup",
                "location_id": store,
                "payment_method": "in_store",
            },
        )
        assert placed.status_code == 201, placed.text
        order = placed.json()
        fid = order["fulfilments"][0]["id"]
        ready = await staff.post(f"/api/pos/{store}/fulfilments/{fid}/ready")
        handed = await staff.post(
            f"/api/pos/{store}/fulfilments/{fid}/handover",
            json={"code": ready.json()["short_code"], "payment_method": "cash"},
        )
        assert handed.status_code == 200, handed.text

        # The consumer asks for a return at the store on the order's after-sales page.
        await sign_in(page, live_server, *CONSUMER, f"/orders/{order['id']}")
        await page.click("#after-sales-link")
        form = page.locator("form.aftersale-form").first
        await form.locator("select[name=kind]").select_option("return_refund")
        await form.locator("select[name=return_method]").select_option("store")
        await form.locator("select[name=store_location_id]").select_option(str(store))
        await form.locator("textarea[name=reason]").fill("颜色和图片不一样")
        await form.locator("button").click()
        await page.locator(".aftersale[data-status=requested]").wait_for()
        request_id = int(
            (await page.locator(".aftersale").first.get_attribute("id") or "").split("-")[-1]
        )

        # The supplier approves (whichever demo supplier sells the item).
        approved = False
        for email in SUPPLIERS:
            async with httpx.AsyncClient(base_url=live_server, timeout=20) as supplier:
                await log_in(supplier, email, SUPPLIER_PASSWORD)
                answer = await supplier.post(
                    f"/api/supplier/after-sales/{request_id}/answer", json={"decision": "approve"}
                )
                approved = approved or answer.status_code == 200
        assert approved

        await page.reload()
        token = (await page.locator(".return-token").inner_text()).strip()
        assert await page.locator(".return-qr img").evaluate("img => img.complete")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "aftersales-return-qr.png"), full_page=True)

        # Store staff scan the code at the POS and receive the goods.
        counter = await page.context.browser.new_context(
            viewport={"width": 1024, "height": 768}, locale="zh-CN"
        )
        pos = await counter.new_page()
        await sign_in(pos, live_server, *STAFF, "/pos")
        await pos.goto(f"{live_server}/pos/{store}/returns")
        await pos.locator("#return-code").fill(token)
        await pos.keyboard.press("Enter")
        await pos.locator("#return-found").wait_for()
        assert order["number"] in await pos.locator("#return-found").inner_text()
        await pos.click("#receive-return")
        await pos.locator("#return-done[data-status=refunded]").wait_for()
        await pos.screenshot(path=str(SCREENSHOTS / "pos-return-received.png"), full_page=True)
        await counter.close()

        # The consumer's order shows the refund.
        await page.reload()
        refund = page.locator(f"#refund-{request_id}")
        await refund.wait_for()
        assert "已退款" in await refund.inner_text()
        file = (await consumer.get(f"/api/after-sales/{request_id}")).json()
        assert file["status"] == "refunded" and file["refunded_amount"] > 0
