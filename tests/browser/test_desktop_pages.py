"""Staff, supplier and operator pages at desktop size: they open, and a screenshot of each.

The desktop half of the journeys' screenshot set (`var/screenshots/desktop-<page>.png`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Dialog, Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
ACCOUNTS = {
    "staff": ("staff.bj@kuaiqu.test", "kuaiqu-demo-staff", ("/pos",)),
    "supplier": (
        "supplier@kuaiqu.test",
        "kuaiqu-demo-supplier",
        ("/supplier", "/supplier/products", "/supplier/fulfilments", "/supplier/stock"),
    ),
    "operator": (
        "operator@kuaiqu.test",
        "kuaiqu-demo-operator",
        ("/operator", "/operator/suppliers", "/operator/products", "/operator/categories"),
    ),
}


@pytest.mark.parametrize("role", list(ACCOUNTS))
async def test_back_office_pages_open_at_desktop_size(
    live_server: str, page: Page, role: str
) -> None:
    email, password, paths = ACCOUNTS[role]
    await page.set_viewport_size(DESKTOP)
    await page.goto(f"{live_server}/login")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in paths:
        response = await page.goto(live_server + path)
        assert response is not None and response.status < 400, path
        await page.wait_for_load_state("load")
        name = path.strip("/").replace("/", "-")
        await page.screenshot(path=str(SCREENSHOTS / f"desktop-{name}.png"))
        assert await page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


async def test_switching_a_stock_row_to_add_or_remove_empties_the_quantity(
    live_server: str, page: Page
) -> None:
    email, password, _ = ACCOUNTS["supplier"]
    await page.set_viewport_size(DESKTOP)
    await page.goto(f"{live_server}/login?next=/supplier/stock")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.goto(f"{live_server}/supplier/stock")
    row = page.locator("form.row-form").first
    counted = await row.locator("input[name=amount]").input_value()
    await row.locator("select[name=mode]").select_option("delta")
    assert await row.locator("input[name=amount]").input_value() == ""
    await row.locator("select[name=mode]").select_option("set")
    assert await row.locator("input[name=amount]").input_value() == counted


async def test_operator_category_slug_is_accepted_and_delete_asks_first(
    live_server: str, page: Page
) -> None:
    email, password, _ = ACCOUNTS["operator"]
    await page.set_viewport_size(DESKTOP)
    await page.goto(f"{live_server}/login")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.goto(f"{live_server}/operator/categories")
    slug = page.locator("input[name=slug]").first
    await slug.fill("tea-sets-2")
    assert await slug.evaluate("el => el.checkValidity()")
    await slug.fill("Tea Sets")
    assert not await slug.evaluate("el => el.checkValidity()")
    questions: list[str] = []

    async def decline(dialog: Dialog) -> None:
        questions.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", decline)
    before = await page.locator("form[action$='/delete']").count()
    await page.locator("form[action$='/delete'] button").first.click()
    assert questions and await page.locator("form[action$='/delete']").count() == before
