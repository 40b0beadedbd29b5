"""The supplier console through its forms: apply, see a rejection, resubmit, products, shop."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from catalog import onboarding
from catalog.tables import Supplier
from tests.support.factories import login, make_category, make_product, make_supplier, make_user
from tests.support.money import pay_dues_via_pages
from tests.support.web import csrf_token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FIELDS = {
    "name": "青禾手机专营店",
    "company_name": "杭州青禾数码有限公司",
    "licence_no": "91330100MA2B3C4D5E",
    "tax_no": "91330100MA2B3C4D5E",
    "contact_name": "赵磊",
    "contact_phone": "13900001111",
    "contact_email": "zhao@example.cn",
}


async def post_multipart(
    client: AsyncClient, action: str, fields: dict[str, str | list[str]], files: list, page: str
):
    token = await csrf_token(client, page)
    return await client.post(action, data={**fields, "_csrf_token": token}, files=files)


async def test_apply_form_keeps_what_was_typed_when_a_document_is_wrong(
    client: AsyncClient,
) -> None:
    await login(client, await make_user(Role.CONSUMER))
    refused = await post_multipart(
        client,
        "/supplier/apply",
        FIELDS,
        [("documents", ("执照.png", b"plain text", "image/png"))],
        "/supplier/apply",
    )
    assert refused.status_code == 400
    assert "执照.png" in refused.text
    assert 'value="杭州青禾数码有限公司"' in refused.text


async def test_a_rejected_applicant_sees_the_reason_and_resubmits(client: AsyncClient) -> None:
    applicant = await make_user(Role.CONSUMER)
    await login(client, applicant)
    sent = await post_multipart(
        client,
        "/supplier/apply",
        FIELDS,
        [("documents", ("执照.png", PNG, "image/png"))],
        "/supplier/apply",
    )
    assert sent.status_code == 302
    supplier_id = (await Supplier.select(Supplier.id).first())["id"]
    await onboarding.reject(supplier_id, "税号与执照不一致")

    page = await client.get("/supplier/application")
    assert "税号与执照不一致" in page.text
    again = await post_multipart(
        client,
        "/supplier/application",
        FIELDS | {"tax_no": "91330100MA2B3C4D5F"},
        [],
        "/supplier/application",
    )
    assert again.status_code == 302
    row = await Supplier.select(Supplier.status, Supplier.tax_no).first()
    assert row == {"status": "applied", "tax_no": "91330100MA2B3C4D5F"}


async def test_products_are_created_and_edited_through_the_form(client: AsyncClient) -> None:
    supplier_id = await make_supplier()
    category_id = await make_category("服装")
    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier_id))
    fields = {
        "name": "纯棉 T恤",
        "brand": "青禾",
        "category_id": str(category_id),
        "specs": "尺码: M, L",
        "sku": ["TEE-M", "TEE-L", ""],
        "price": ["79", "89.5", ""],
        "options": ["尺码=M", "尺码=L", ""],
        "barcode": ["", "", ""],
        "weight_g": ["200", "", ""],
    }
    bad = await post_multipart(
        client,
        "/supplier/products",
        fields | {"price": ["79", "八十", ""]},
        [],
        "/supplier/products/new",
    )
    assert bad.status_code == 400
    assert "八十" in bad.text and 'value="TEE-L"' in bad.text  # nothing typed is lost
    created = await post_multipart(
        client,
        "/supplier/products",
        fields,
        [("image_file", ("tee.png", PNG, "image/png"))],
        "/supplier/products/new",
    )
    assert created.status_code == 302
    listing = await client.get("/supplier/products")
    assert "纯棉 T恤" in listing.text and "待审核" in listing.text
    product_id = int(listing.text.split('data-product-id="')[1].split('"')[0])
    edit = await client.get(f"/supplier/products/{product_id}")
    assert 'value="89.50"' in edit.text and 'value="尺码=L"' in edit.text


async def test_another_suppliers_product_is_forbidden_in_the_console(client: AsyncClient) -> None:
    other = await make_product()
    await login(client, await make_user(Role.SUPPLIER, supplier_id=await make_supplier()))
    assert (await client.get(f"/supplier/products/{other['id']}")).status_code == 403


async def test_the_shop_form_saves_decoration_shown_on_the_shop_page(client: AsyncClient) -> None:
    supplier_id = await make_supplier()
    product = await make_product(supplier_id=supplier_id, name="招牌 保温杯")
    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier_id))
    saved = await post_multipart(
        client,
        "/supplier/shop",
        {
            "name": "杯具旗舰店",
            "intro": "只卖好杯子",
            "layout": "showcase",
            "featured": [str(product["id"])],
        },
        [("logo_file", ("logo.png", PNG, "image/png"))],
        "/supplier/shop",
    )
    assert saved.status_code == 302
    shop = await client.get(f"/shops/{supplier_id}")
    assert "杯具旗舰店" in shop.text and "layout-showcase" in shop.text
    assert 'class="shop-logo" src="/media/shops/' in shop.text


async def test_an_approved_supplier_signs_the_agreement_from_the_console(
    client: AsyncClient,
) -> None:
    supplier_id = await make_supplier(status="approved")
    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier_id))
    console = await client.get("/supplier")
    assert onboarding.AGREEMENT_TEXT["zh-CN"].splitlines()[0] in console.text
    signed = await post_multipart(
        client,
        "/supplier/agreement",
        {"accept": "yes", "version": onboarding.AGREEMENT_VERSION},
        [],
        "/supplier",
    )
    assert signed.status_code == 302
    row = await Supplier.select(Supplier.status, Supplier.agreement_version).first()
    # The agreement is signed; the shop waits for its entry fee.
    assert row == {"status": "approved", "agreement_version": onboarding.AGREEMENT_VERSION}
    await pay_dues_via_pages(client)
    row = await Supplier.select(Supplier.status, Supplier.agreement_version).first()
    assert row == {"status": "active", "agreement_version": onboarding.AGREEMENT_VERSION}
    assert 'href="/supplier/stock"' in (await client.get("/supplier")).text


async def test_the_product_form_shows_every_problem_at_once(client: AsyncClient) -> None:
    supplier_id = await make_supplier()
    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier_id))
    fields = {
        "name": "",
        "category_id": "",
        "specs": "尺码: M, L",
        "sku": ["TEE-M", "TEE-L", "TEE-X"],
        "price": ["八十", "89", "0"],
        "options": ["尺码=M", "尺码=XL", "尺码=L"],
        "barcode": ["", "", ""],
        "weight_g": ["", "", ""],
    }
    bad = await post_multipart(client, "/supplier/products", fields, [], "/supplier/products/new")
    assert bad.status_code == 400
    problems = bad.text.split('class="problems"')[1].split("</ul>")[0]
    assert problems.count("<li>") == 5, problems
    assert "第 1 行规格" in problems and "八十" in problems  # the price of row 1
    assert "XL" in problems  # row 2's option is not a value of 尺码
    assert "TEE-X" in problems  # row 3's price is not above zero
    assert "名称" in problems or "name" in problems  # no product name
    assert "data-add-variant" in bad.text and "/static/js/product-form.js" in bad.text
