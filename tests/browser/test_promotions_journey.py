"""A shopper on a phone: the flash price ticks down, a coupon is claimed and used at checkout."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CONSUMER = ("consumer@kuaiqu.test", "kuaiqu-demo-consumer")


async def test_flash_countdown_ticks_and_a_claimed_coupon_saves_at_checkout(
    live_server: str, page: Page
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await page.goto(f"{live_server}/search?q=Mate")
    links = await page.locator(".product-card a").evaluate_all("els => els.map(e => e.href)")
    flash = page.locator("[data-flash-countdown]")
    for link in links:  # the demo's flash price is on the Mate 60 Pro, 雅丹黑 12GB+256GB
        await page.goto(link)
        chip = page.locator("a.chip", has_text="雅丹黑 / 12GB+256GB")
        if await chip.count():
            await chip.click()
            await page.locator("#product-offers .product-coupons").wait_for()
            if await flash.count():
                break
    await flash.wait_for()
    clock = flash.locator("[data-countdown-clock]")
    await page.wait_for_function(
        "el => /\\d+:\\d\\d:\\d\\d/.test(el.textContent)", arg=await clock.element_handle()
    )
    first = await clock.inner_text()
    await page.wait_for_timeout(1_200)
    assert await clock.inner_text() != first  # it ticks
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "phone-flash-price.png"), full_page=True)

    await page.goto(f"{live_server}/login")
    await page.fill("input[name=email]", CONSUMER[0])
    await page.fill("input[name=password]", CONSUMER[1])
    await page.click("form button[type=submit]")
    await page.wait_for_load_state("load")
    await page.goto(f"{live_server}/coupons")
    await page.locator(".coupon-claim button").first.click()
    await page.wait_for_selector(".flash-success")
    await page.goto(f"{live_server}/me/coupons")
    code = await page.locator(".coupon-code").first.inner_text()
    assert re.fullmatch(r"KQ[A-Z0-9]{10}", code)
    await page.screenshot(path=str(SCREENSHOTS / "phone-wallet.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e]
