"""Desktop: the supplier's product form (variant rows, options per spec) and the POS cash sale.

Screenshots: `var/screenshots/desktop-product-form-variants.png`, `desktop-pos-confirm.png`,
`desktop-pos-receipt-change.png`, `desktop-supplier-today.png`, `desktop-pos-confirm-points.png`.
"""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}


async def _login(page: Page, live_server: str, email: str, password: str) -> None:
    await page.set_viewport_size(DESKTOP)
    await page.goto(f"{live_server}/login")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


async def test_variant_rows_are_added_removed_and_pick_options_per_spec(
    live_server: str, page: Page
) -> None:
    await _login(page, live_server, "supplier@kuaiqu.test", "kuaiqu-demo-supplier")
    await page.goto(f"{live_server}/supplier")
    await page.wait_for_selector(".today-panel")
    await page.screenshot(path=str(SCREENSHOTS / "desktop-supplier-today.png"))

    await page.goto(f"{live_server}/supplier/products/new")
    rows = page.locator(".variant-rows tbody tr")
    before = await rows.count()
    await page.click("[data-add-variant]")
    assert await rows.count() == before + 1
    await page.locator("[data-remove-variant]").last.click()
    assert await rows.count() == before
    await page.fill("textarea[data-specs]", "颜色: 黑, 白\n尺码: M, L")
    first = rows.first
    assert await first.locator("select[data-spec]").count() == 2
    assert await first.locator("input[data-options]").is_hidden()
    await first.locator("select[data-spec='颜色']").select_option("白")
    await first.locator("select[data-spec='尺码']").select_option("L")
    assert await first.locator("input[data-options]").input_value() == "颜色=白; 尺码=L"
    await page.screenshot(path=str(SCREENSHOTS / "desktop-product-form-variants.png"))

    await first.locator("input[name=sku]").fill("NEW-1")
    await first.locator("input[name=price]").fill("abc")
    await page.click("form[data-product-form] button[type=submit]")
    await page.wait_for_selector("ul.problems li")
    assert await page.locator("ul.problems li").count() >= 3  # name, category, price at once


async def test_a_cash_sale_is_confirmed_with_the_change(live_server: str, page: Page) -> None:
    await _login(page, live_server, "staff.bj@kuaiqu.test", "kuaiqu-demo-staff")
    await page.goto(f"{live_server}/pos")
    store = await page.evaluate(
        "() => [...document.querySelectorAll('a[href^=\"/pos/\"]')]"
        ".map(a => a.getAttribute('href').split('/')[2]).find(x => /^\\d+$/.test(x))"
    )
    items = await page.evaluate(
        "async (s) => (await (await fetch(`/api/pos/${s}/items`)).json())", store
    )
    item = next(i for i in items if i["available"] > 0)
    await page.goto(f"{live_server}/pos/{store}/sale")
    await page.fill("input[name=code]", item["sku"])
    await page.click(".pos-scan-row button")
    await page.wait_for_selector(".pos-cart tr")
    await page.click("form.pos-pay button[value=cash]")
    await page.wait_for_selector("form[data-tender]")
    await page.fill("input[data-tendered]", "1")
    if item["price"] > 100:
        assert await page.locator("[data-change]").inner_text() == "现金不足"
    await page.locator("[data-quick-amount]").last.click()
    change = await page.locator("[data-change]").inner_text()
    assert change.startswith("¥")
    await page.screenshot(path=str(SCREENSHOTS / "desktop-pos-confirm.png"))
    await page.click("form[data-tender] button.primary")
    await page.wait_for_url(f"**/pos/{store}/receipts/**")
    assert "找零" in await page.locator(".pos-receipt").inner_text()
    await page.screenshot(path=str(SCREENSHOTS / "desktop-pos-receipt-change.png"))


async def test_the_live_change_takes_the_points_off_the_total(live_server: str, page: Page) -> None:
    await _login(page, live_server, "consumer@kuaiqu.test", "kuaiqu-demo-consumer")
    await page.wait_for_url(lambda url: "/login" not in url)
    qr = await page.evaluate("async () => (await (await fetch('/api/member')).json()).qr")
    # Leave the page first: its requests still in flight would answer into the cleared jar.
    await page.goto("about:blank")
    await page.context.clear_cookies()
    await _login(page, live_server, "staff.bj@kuaiqu.test", "kuaiqu-demo-staff")
    await page.wait_for_url(lambda url: "/login" not in url)
    await page.goto(f"{live_server}/pos")
    store = await page.evaluate(
        "() => [...document.querySelectorAll('a[href^=\"/pos/\"]')]"
        ".map(a => a.getAttribute('href').split('/')[2]).find(x => /^\\d+$/.test(x))"
    )
    items = await page.evaluate(
        "async (s) => (await (await fetch(`/api/pos/${s}/items`)).json())", store
    )
    item = next(i for i in items if i["available"] > 0 and i["price"] >= 1000)
    await page.goto(f"{live_server}/pos/{store}/sale")
    await page.fill("input[name=code]", item["sku"])
    await page.click(".pos-scan-row button")
    await page.wait_for_selector(".pos-cart tr")
    await page.click("form.pos-pay button[value=cash]")
    await page.wait_for_selector("form.pos-member-find")
    await page.fill("form.pos-member-find input[name=member]", qr)
    await page.click("form.pos-member-find button")
    await page.wait_for_selector("input[data-points]")
    total = int(await page.locator("form[data-tender]").get_attribute("data-total") or "0")
    tendered = (total // 100 + 1) * 100  # whole yuan above the total
    await page.fill("input[data-tendered]", f"{tendered / 100:.2f}")
    assert await page.locator("[data-change]").inner_text() == f"¥{(tendered - total) / 100:.2f}"
    # 250 points pay ¥2.50: the change is tendered - (total - 250).
    await page.fill("input[data-points]", "250")
    change = tendered - (total - 250)
    assert await page.locator("[data-change]").inner_text() == f"¥{change / 100:.2f}"
    await page.screenshot(path=str(SCREENSHOTS / "desktop-pos-confirm-points.png"))
