"""A shopper on a 390 × 844 phone walks every consumer page: nothing wider than the screen.

Each page is saved as `var/screenshots/phone-<page>.png` (the journey's screenshot set). The
product page shows nearby stores with availability once the position is granted, and a city
picker when it is refused.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from tests.browser.timing import NEARBY_WAIT_MS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CONSUMER = ("consumer@kuaiqu.test", "kuaiqu-demo-consumer")
PHONE = {"width": 390, "height": 844}
#: 王府井, Beijing: where the demo's stores are.
BEIJING = {"latitude": 39.9149, "longitude": 116.4109}


@pytest.fixture
async def located(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A phone whose browser shares its position (Beijing)."""
    context = await browser.new_context(
        viewport=PHONE, locale="zh-CN", geolocation=BEIJING, permissions=["geolocation"]
    )
    yield context
    await context.close()


async def fits(page: Page, name: str, widths: dict[str, int]) -> None:
    """Record the page's width and save its screenshot."""
    await page.wait_for_load_state("load")
    widths[name] = await page.evaluate("document.documentElement.scrollWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)


async def test_every_consumer_page_fits_a_phone(live_server: str, located: BrowserContext) -> None:
    page = await located.new_page()
    widths: dict[str, int] = {}

    await page.goto(live_server + "/")
    await fits(page, "home", widths)
    category = await page.locator("a[href^='/categories/']").first.get_attribute("href")
    await page.goto(live_server + str(category))
    await fits(page, "category", widths)

    await page.goto(live_server + "/search?q=" + "手机")
    await page.click("details.filters summary")
    await page.fill("input[name=min_price]", "100")
    await fits(page, "search-filters", widths)
    await page.fill("input[name=min_price]", "abc")
    await page.click("details.filters button[type=submit]")
    await page.wait_for_selector(".flash-error")
    assert "Expected" not in await page.locator(".flash-error").inner_text()
    await fits(page, "search-bad-filter", widths)

    await page.goto(f"{live_server}/login")
    await page.fill("input[name=email]", CONSUMER[0])
    await page.fill("input[name=password]", CONSUMER[1])
    await page.click("button[type=submit]")
    await page.wait_for_load_state("load")

    # The first product of the search that can be bought: nearby stores once located.
    await page.goto(live_server + "/search?q=" + "手机")
    links = await page.locator(".product-card a").evaluate_all("els => els.map(e => e.href)")
    for href in links:
        await page.goto(href)
        if await page.locator("form.add-to-cart button[name=buy_now]:not([disabled])").count():
            break
    await page.wait_for_selector("#nearby-stores .nearby-row", timeout=NEARBY_WAIT_MS)
    assert await page.locator("#nearby-stores [data-pick-city]").count() == 0
    bands = await page.locator("#nearby-stores .band").all_inner_texts()
    assert any(b in ("有货", "仅剩少量") for b in bands), bands
    await fits(page, "product", widths)

    await page.click("form.add-to-cart button:not([name=buy_now])")
    await page.goto(live_server + "/cart")
    await fits(page, "cart", widths)

    await page.goto(f"{live_server}/checkout?lat={BEIJING['latitude']}&lon={BEIJING['longitude']}")
    await page.wait_for_selector("input[name=location_id]")
    await fits(page, "checkout-pickup", widths)
    await page.check("input[name=method][value=delivery]")
    await page.wait_for_selector("input[name=phone]")
    await page.fill("input[name=name]", "王芳")
    await page.fill("input[name=phone]", "123")
    await page.fill("input[name=detail]", "朝阳路 1 号")
    await page.click("button[name=intent][value=update]")
    await page.wait_for_selector("input[name=phone]")
    assert "phone" not in page.url and "123" not in page.url  # POSTed, not in the URL
    await fits(page, "checkout-delivery", widths)
    await page.check("input[name=method][value=pickup]")
    await page.wait_for_selector("input[name=location_id]")
    await page.check("input[name=payment_method][value=sandbox]")
    await page.click(".sticky-bar button[type=submit]")
    await page.wait_for_url(re.compile(r".*/pay/.*"))
    await fits(page, "pay", widths)
    await page.click("button[name=outcome][value=succeeded]")
    await page.wait_for_url(re.compile(r".*/orders/\d+$"))
    await fits(page, "order", widths)

    for path, name in (
        ("/orders", "orders"),
        ("/inbox", "inbox"),
        ("/account", "account"),
        ("/categories", "categories"),
        ("/stores", "stores"),
        (f"/stores?lat={BEIJING['latitude']}&lon={BEIJING['longitude']}", "stores-located"),
    ):
        await page.goto(live_server + path)
        await fits(page, name, widths)

    too_wide = {name: width for name, width in widths.items() if width > PHONE["width"]}
    assert too_wide == {}


async def test_the_product_page_offers_a_city_picker_when_the_position_is_refused(
    live_server: str, browser: Browser
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")  # no permission
    page = await context.new_page()
    await page.goto(live_server + "/search?q=" + "手机")
    await page.locator(".product-card a").first.click()
    await page.wait_for_selector("#nearby-stores [data-pick-city]", timeout=NEARBY_WAIT_MS)
    assert await page.locator("#nearby-stores [data-located=refused]").count() == 1
    cities = await page.locator("#nearby-stores [data-pick-city]").all_inner_texts()
    assert "北京" in cities and len(cities) > 1
    other = next(c for c in cities if c != "北京")
    await page.click(f"#nearby-stores [data-pick-city='{other}']")
    await page.wait_for_selector(f"#nearby-stores [data-pick-city='{other}'][aria-pressed=true]")
    assert await page.locator("#nearby-stores .nearby-row").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "phone-product-city-picker.png"), full_page=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Checkout says so when the position is refused, instead of doing nothing.
    variant = await page.locator("form.add-to-cart input[name=variant_id]").get_attribute("value")
    await page.goto(f"{live_server}/login")
    await page.fill("input[name=email]", "consumer2@kuaiqu.test")
    await page.fill("input[name=password]", CONSUMER[1])
    await page.click("button[type=submit]")
    await page.wait_for_load_state("load")
    await page.goto(f"{live_server}/checkout?buy_now={variant}:1")
    await page.click("text=使用我的位置")
    await page.wait_for_selector("[data-locate-status]:not([hidden])", timeout=15_000)
    assert "未获得您的位置" in await page.locator("[data-locate-status]").inner_text()
    await context.close()


async def test_addresses_categories_cart_and_suggestions_fit_a_phone(
    live_server: str, located: BrowserContext
) -> None:
    """The address book, the 分类 tab, the cart's steppers and the search suggestions."""
    page = await located.new_page()
    widths: dict[str, int] = {}
    await page.goto(live_server + "/")
    assert await page.locator("nav.tabbar a").count() == 4
    await page.fill("input[data-suggest]", "手")
    await page.wait_for_selector(".suggest-list:not([hidden]) a", timeout=10_000)
    await fits(page, "search-suggestions", widths)

    await page.goto(live_server + "/categories")
    assert await page.locator(".browse-roots a").count() >= 1
    await fits(page, "categories", widths)

    await page.goto(f"{live_server}/login")
    await page.fill("input[name=email]", "consumer2@kuaiqu.test")
    await page.fill("input[name=password]", CONSUMER[1])
    await page.click("button[type=submit]")
    await page.wait_for_load_state("load")

    await page.goto(live_server + "/addresses/new")
    await page.fill("input[name=name]", "李雷")
    await page.fill("input[name=phone]", "123")
    await page.click("form.card button.primary")
    await page.wait_for_selector(".field-error")
    assert "123" in await page.locator(".field-error").first.inner_text()
    await fits(page, "address-form-errors", widths)
    await page.fill("input[name=phone]", "139 1234 5678")
    await page.fill("input[name=city]", "北京市")
    await page.fill("input[name=district]", "东城区")
    await page.fill("input[name=detail]", "王府井大街 1 号")
    await page.click("form.card button.primary")
    await page.wait_for_url(re.compile(r".*/addresses$"))
    assert "13912345678" in await page.locator(".address-list").inner_text()
    await fits(page, "addresses", widths)

    await page.goto(live_server + "/search?q=" + "手机")
    links = await page.locator(".product-card a").evaluate_all("els => els.map(e => e.href)")
    for href in links:  # the first product that can be bought (others may hold no stock)
        await page.goto(href)
        if await page.locator("form.add-to-cart button[name=buy_now]:not([disabled])").count():
            break
    await page.click("form.add-to-cart button:not([name=buy_now])")
    await page.goto(live_server + "/cart")
    await page.click(".stepper button[value='+1']")
    await page.wait_for_load_state("load")
    assert await page.locator(".stepper input[name=quantity]").first.input_value() == "2"
    await fits(page, "cart-steppers", widths)

    lat, lon = BEIJING["latitude"], BEIJING["longitude"]
    await page.goto(f"{live_server}/checkout?method=delivery&lat={lat}&lon={lon}")
    await page.wait_for_selector("input[name=address_id]:checked")
    await fits(page, "checkout-saved-address", widths)

    too_wide = {name: width for name, width in widths.items() if width > PHONE["width"]}
    assert too_wide == {}
