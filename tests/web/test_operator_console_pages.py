"""The operator console through its forms: queues, approvals, rejections, the category tree."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from catalog.tables import Category, Product, Supplier
from tests.support.factories import login, make_category, make_product, make_supplier, make_user
from tests.support.web import submit_form


async def test_the_dashboard_counts_the_queues_and_links_every_console_page(
    client: AsyncClient,
) -> None:
    await make_supplier(status="applied")
    await make_product(status="pending_review")
    await login(client, await make_user(Role.OPERATOR))
    page = await client.get("/operator")
    assert 'id="applied-count">1<' in page.text
    assert 'id="product-queue-count">1<' in page.text
    for link in (
        "/operator/suppliers",
        "/operator/products",
        "/operator/categories",
        "/operator/locations",
    ):
        assert f'href="{link}' in page.text
    assert 'href="/operator"' in page.text  # header link of the role


async def test_an_application_is_approved_or_rejected_from_its_page(client: AsyncClient) -> None:
    first, second = await make_supplier(status="applied"), await make_supplier(status="applied")
    await login(client, await make_user(Role.OPERATOR))
    approved = await submit_form(
        client,
        f"/operator/suppliers/{first}/approve",
        {"commission_percent": "2.5", "deposit": "20000"},
        page=f"/operator/suppliers/{first}",
    )
    assert approved.status_code == 302
    row = await Supplier.select().where(Supplier.id == first).first()
    assert (row["status"], row["commission_bp"], row["deposit"]) == ("approved", 250, 2000000)

    no_reason = await submit_form(
        client,
        f"/operator/suppliers/{second}/reject",
        {"reason": ""},
        page=f"/operator/suppliers/{second}",
    )
    assert no_reason.status_code == 400
    assert "请填写驳回原因" in no_reason.text


async def test_a_product_is_rejected_with_a_reason_from_the_review_page(
    client: AsyncClient,
) -> None:
    product = await make_product(name="可疑 充电宝", status="pending_review")
    await login(client, await make_user(Role.OPERATOR))
    queue = await client.get("/operator/products")
    assert "可疑 充电宝" in queue.text
    rejected = await submit_form(
        client,
        f"/operator/products/{product['id']}/reject",
        {"reason": "缺少 3C 认证"},
        page=f"/operator/products/{product['id']}",
    )
    assert rejected.status_code == 302
    row = await Product.select(Product.status, Product.review_note).first()
    assert row == {"status": "rejected", "review_note": "缺少 3C 认证"}


async def test_categories_are_added_moved_and_protected_from_deletion(client: AsyncClient) -> None:
    parent = await make_category("数码")
    await login(client, await make_user(Role.OPERATOR))
    added = await submit_form(
        client,
        "/operator/categories",
        {
            "slug": "tablets",
            "name_zh": "平板",
            "name_en": "Tablets",
            "parent_id": str(parent),
            "position": "1",
        },
    )
    assert added.status_code == 302
    tablets = (await Category.select().where(Category.slug == "tablets").first())["id"]
    moved = await submit_form(
        client,
        f"/operator/categories/{tablets}",
        {"name_zh": "平板电脑", "name_en": "Tablets", "parent_id": "", "position": "0"},
        page="/operator/categories",
    )
    assert moved.status_code == 302
    row = await Category.select().where(Category.id == tablets).first()
    assert (row["name_zh"], row["parent"]) == ("平板电脑", None)

    await make_product(category_id=tablets)
    refused = await submit_form(
        client, f"/operator/categories/{tablets}/delete", {}, page="/operator/categories"
    )
    assert refused.status_code == 409
    assert "该分类下还有商品" in refused.text


async def test_consumers_and_suppliers_cannot_open_the_operator_console(
    client: AsyncClient,
) -> None:
    await login(client, await make_user(Role.CONSUMER))
    assert (await client.get("/operator")).status_code == 403
    await login(client, await make_user(Role.SUPPLIER, supplier_id=await make_supplier()))
    assert (await client.get("/operator/products")).status_code == 403
