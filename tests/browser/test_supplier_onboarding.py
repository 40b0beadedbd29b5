"""In Chromium: a company applies, the operator approves it, it signs, lists a phone that
the operator reviews, and a shopper finds it by a Chinese keyword."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.async_api import Browser, Page

from server.demo.content import USERS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
OPERATOR = next(u for u in USERS if u["role"] == "operator")


def png(colour: str) -> bytes:
    """A real little PNG image."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, format="PNG")
    return out.getvalue()


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def log_in(page: Page, base: str, email: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", password)
    async with page.expect_navigation():
        await page.click("form.stack button[type=submit]")


async def operator_page(browser: Browser, base: str) -> Page:
    context = await browser.new_context(viewport={"width": 1024, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    await log_in(page, base, OPERATOR["email"], OPERATOR["password"])
    return page


async def test_a_company_joins_and_its_reviewed_phone_is_found_by_search(
    live_server: str, page: Page, browser: Browser
) -> None:
    # 申请入驻: a new account applies with its licence scan.
    await page.goto(live_server + "/register")
    await page.fill("input[name=name]", "赵磊")
    await page.fill("input[name=email]", "zhao.lei@qinghe.example.cn")
    await page.fill("input[name=password]", "qinghe-password-1")
    async with page.expect_navigation():
        await page.click("form.stack button[type=submit]")
    await page.goto(live_server + "/")
    await page.click("a[href='/supplier/apply']")
    await page.fill("input[name=name]", "青禾数码旗舰店")
    await page.fill("input[name=company_name]", "杭州青禾数码有限公司")
    await page.fill("input[name=licence_no]", "91330100MA2B3C4D5E")
    await page.fill("input[name=tax_no]", "91330100MA2B3C4D5E")
    await page.fill("input[name=contact_name]", "赵磊")
    await page.fill("input[name=contact_phone]", "13900001111")
    await page.fill("input[name=contact_email]", "zhao.lei@qinghe.example.cn")
    await page.set_input_files(
        "input[name=documents]",
        files=[{"name": "营业执照.png", "mimeType": "image/png", "buffer": png("white")}],
    )
    await shot(page, "supplier-apply")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url("**/supplier/application")
    assert await page.locator("#application-status").inner_text() == "待审核"

    # 审核: the operator opens the queue and approves with a commission and deposit.
    operator = await operator_page(browser, live_server)
    assert operator.url.endswith("/operator")
    await operator.click("a[href='/operator/suppliers?status=applied']")
    await operator.click("text=青禾数码旗舰店")
    await operator.fill("input[name=commission_percent]", "3")
    await shot(operator, "operator-supplier-review")
    async with operator.expect_navigation():
        await operator.click("button:has-text('通过')")
    assert await operator.locator("#supplier-status").inner_text() == "已通过待签约"

    # 签订协议, then 商品录入.
    await page.goto(live_server + "/supplier")
    await page.check("input[name=accept]")
    await page.click("button:has-text('签署协议')")
    await page.wait_for_selector("text=协议已签署")
    # 入驻费 and 保证金: paid through the sandbox cashier before the shop opens.
    await page.wait_for_url("**/supplier/money")
    await shot(page, "supplier-money-dues")
    for _ in range(2):
        async with page.expect_navigation():
            await page.click("#dues button:has-text('立即支付')")
        async with page.expect_navigation():
            await page.click("button[value=succeeded]")
        await page.wait_for_url("**/supplier/money")
    assert "已缴" in await page.locator("#dues").inner_text()
    await page.goto(live_server + "/supplier")
    await shot(page, "supplier-dashboard")
    await page.click("a[href='/supplier/products/new']")
    await page.fill("input[name=name]", "青禾 Fold 折叠屏手机")
    await page.fill("input[name=brand]", "青禾")
    await page.select_option("select[name=category_id]", label="— 手机通讯")
    await page.fill("textarea[name=description]", "7.8 英寸内屏，轻薄折叠。")
    await page.fill("textarea[name=specs]", "颜色: 墨黑, 月白")
    await page.set_input_files(
        "input[name=image_file]",
        files=[{"name": "fold.png", "mimeType": "image/png", "buffer": png("teal")}],
    )
    rows = page.locator(".variant-rows tbody tr")
    for index, (sku, price, colour) in enumerate(
        [("QH-FOLD-BLK", "6999", "墨黑"), ("QH-FOLD-WHT", "7199.50", "月白")]
    ):
        await rows.nth(index).locator("input[name=sku]").fill(sku)
        await rows.nth(index).locator("input[name=price]").fill(price)
        # One select per spec (product-form.js) writes 颜色=… into the row's options.
        await rows.nth(index).locator("select[data-spec='颜色']").select_option(colour)
        options = rows.nth(index).locator("input[name=options]")
        assert await options.input_value() == f"颜色={colour}"
    await shot(page, "supplier-product-form")
    await page.click("button:has-text('提交审核')")
    await page.wait_for_url("**/supplier/products")
    assert "待审核" in await page.locator("tbody tr").first.inner_text()

    # Not reviewed yet: shoppers cannot find it.
    shopper = await browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    await shopper.goto(live_server + "/search?q=折叠屏")
    assert await shopper.locator(".product-card").count() == 0

    # 商品审核 → 上架.
    await operator.goto(live_server + "/operator/products")
    await operator.click("text=青禾 Fold 折叠屏手机")
    await shot(operator, "operator-product-review")
    await operator.click("button:has-text('通过')")
    await operator.wait_for_url("**/operator/products")

    await shopper.goto(live_server + "/")
    await shopper.fill("input[name=q]", "折叠屏")
    await shopper.click("form.search-bar button[type=submit]")
    await shopper.wait_for_selector(".product-card")
    await shot(shopper, "search-result")
    assert await shopper.locator(".product-card").count() == 1
    await shopper.click(".product-card a")
    await shopper.wait_for_selector("h1:has-text('青禾 Fold 折叠屏手机')")
    assert await shopper.locator("#price").inner_text() == "¥6,999.00"
    await shopper.click("a.chip:has-text('月白')")
    await shopper.wait_for_selector("#price:has-text('¥7,199.50')")
    await shot(shopper, "product-page")
    await shopper.click("text=进入店铺")
    await shopper.wait_for_selector("h1:has-text('青禾数码旗舰店')")
    await shot(shopper, "shop-page")
    assert await shopper.locator(".product-card").count() == 1
    await shopper.close()
    await operator.context.close()
