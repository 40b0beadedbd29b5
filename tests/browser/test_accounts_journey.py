"""A newcomer in Chromium: sees the demo shop in Chinese, switches to English, logs in."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

from server.demo.content import USERS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


async def test_demo_login_from_the_home_page(live_server: str, page: Page) -> None:
    await page.goto(live_server + "/")
    assert await page.locator(".product-card").count() >= 12
    assert await page.locator("text=登录").first.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "home-zh.png"))

    await page.click("a.lang")
    await page.wait_for_selector("text=New arrivals")

    operator = next(u for u in USERS if u["role"] == "operator")
    await page.click("text=Log in")
    await page.fill("input[name=email]", operator["email"])
    await page.fill("input[name=password]", "wrong-password")
    await page.click("button[type=submit]")
    assert await page.locator(".flash-error").inner_text() == "Wrong email or password"

    await page.fill("input[name=password]", operator["password"])
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=Welcome back")
    assert await page.locator(".who").inner_text() == operator["name"]
