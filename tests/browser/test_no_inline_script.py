"""Under `script-src 'self'` the pages still work, and Chromium reports no CSP violation.

The scripts moved out of the templates into server/static/js/: this walks the pages that use
them (product, search sort, checkout, POS scan, store switch, receipt print) and fails on
any "Content Security Policy" console message or uncaught script error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from tests.browser.timing import NEARBY_WAIT_MS

CONSUMER = ("consumer@kuaiqu.test", "kuaiqu-demo-consumer")
STAFF = ("staff.bj@kuaiqu.test", "kuaiqu-demo-staff")
#: 王府井, Beijing: where the demo's stores are.
BEIJING = {"latitude": 39.9149, "longitude": 116.4109}


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A desktop browser that shares its position (Beijing)."""
    made = await browser.new_context(
        viewport={"width": 1024, "height": 768},
        locale="zh-CN",
        geolocation=BEIJING,
        permissions=["geolocation"],
    )
    yield made
    await made.close()


def watch(page: Page) -> list[str]:
    """Collect CSP violations and script errors the page reports."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


async def log_in(page: Page, base: str, email: str, password: str) -> None:
    await page.goto(f"{base}/login")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("load")


async def test_shopper_pages_work_without_inline_script(
    live_server: str, context: BrowserContext
) -> None:
    page = await context.new_page()
    problems = watch(page)
    await log_in(page, live_server, *CONSUMER)

    # Search: the sort select submits its form (data-submit-on-change).
    await page.goto(live_server + "/search?q=" + "手机")
    sort = page.locator("select[name=sort]")
    other = await sort.locator("option:not([selected])").first.get_attribute("value")
    async with page.expect_navigation():
        await sort.select_option(str(other))
    assert f"sort={other}" in page.url

    # Product: product.js locates the shopper and loads the nearby stores.
    links = await page.locator(".product-card a").evaluate_all("els => els.map(e => e.href)")
    for href in links:
        await page.goto(href)
        if await page.locator("form.add-to-cart button[name=buy_now]:not([disabled])").count():
            break
    await page.wait_for_selector("#nearby-stores .nearby-row", timeout=NEARBY_WAIT_MS)
    # stores-locate.js: "Use my location" in the fragment reloads it for the position.
    async with page.expect_response(lambda r: "/nearby?lat=" in r.url):
        await page.click("#nearby-stores [data-locate]")
    variant = await page.locator("form.add-to-cart input[name=variant_id]").get_attribute("value")

    # Checkout: checkout.js re-quotes when the method changes and when located.
    await page.goto(f"{live_server}/checkout?buy_now={variant}:1")
    async with page.expect_navigation():
        await page.check("input[name=method][value=delivery]")
    await page.wait_for_selector("input[name=phone]")
    async with page.expect_navigation():
        await page.check("input[name=method][value=pickup]")
    async with page.expect_navigation():
        await page.click("[data-use-location]")
    await page.wait_for_selector("input[name=location_id]")
    assert await page.locator("input[name=lat]").input_value() != ""

    assert problems == []


async def test_pos_pages_work_without_inline_script(
    live_server: str, context: BrowserContext
) -> None:
    page = await context.new_page()
    problems = watch(page)
    await log_in(page, live_server, *STAFF)
    stores = await (await page.request.get(f"{live_server}/api/pos/stores")).json()
    first, second = stores[0]["id"], stores[1]["id"]

    # Scan: pos-scan.js keeps the code box focused for a hand scanner.
    await page.goto(f"{live_server}/pos/{first}/scan")
    await page.wait_for_function("() => document.activeElement.id === 'scan-code'")
    await page.evaluate("document.activeElement.blur()")
    await page.wait_for_function("() => document.activeElement.id === 'scan-code'", timeout=5_000)

    # The store switch goes to the chosen store (data-navigate-on-change).
    async with page.expect_navigation():
        await page.select_option("select[name=store]", str(second))
    assert page.url.rstrip("/").endswith(f"/pos/{second}")

    # A walk-in sale's receipt prints from its button (data-print).
    items = await (await page.request.get(f"{live_server}/api/pos/{second}/items")).json()
    sku = next(i["sku"] for i in items if i["available"] > 0)
    await page.goto(f"{live_server}/pos/{second}/sale")
    await page.locator("input[name=code]").fill(sku)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    await page.click("button[value=cash]")
    # The confirmation step: the cash received (a quick amount) and the change (pos-tender.js).
    await page.locator("[data-quick-amount]").last.click()
    assert (await page.locator("[data-change]").inner_text()).startswith("¥")
    await page.click("form[data-tender] button.primary")
    await page.wait_for_url(f"**/pos/{second}/receipts/*")
    await page.evaluate("() => { window.print = () => { window.kqPrinted = true; }; }")
    await page.click("[data-print]")
    assert await page.evaluate("() => window.kqPrinted === true")

    assert problems == []
