"""Consumer catalogue pages: search, category, product and shop show listed goods only."""

from __future__ import annotations

import re

from httpx import AsyncClient

from accounts.roles import Role
from catalog.shops import ShopInput, update_shop
from tests.support.factories import make_category, make_product, make_supplier, make_user


async def test_search_page_finds_chinese_keywords_and_hides_unreviewed_goods(
    client: AsyncClient,
) -> None:
    await make_product(name="华为 Mate 60 手机")
    await make_product(name="小米 14 手机", status="pending_review")
    page = await client.get("/search", params={"q": "手机"})
    assert page.status_code == 200
    assert "华为 Mate 60 手机" in page.text
    assert "小米 14" not in page.text


async def test_search_page_explains_bad_filters(client: AsyncClient) -> None:
    page = await client.get("/search", params={"min_price": "abc"})
    assert page.status_code == 400
    assert "abc" in page.text
    assert 'name="q"' in page.text  # the form is still there to correct


async def test_category_page_lists_goods_of_its_subcategories(client: AsyncClient) -> None:
    digital = await make_category("数码")
    phones = await make_category("手机", parent_id=digital)
    await make_product(name="荣耀 Magic6 手机", category_id=phones)
    await make_product(name="罗技 鼠标")  # another category
    from catalog.tables import Category

    slug = (await Category.select(Category.slug).where(Category.id == digital).first())["slug"]
    page = await client.get(f"/categories/{slug}")
    assert page.status_code == 200
    assert "荣耀 Magic6 手机" in page.text
    assert "罗技" not in page.text
    assert (await client.get("/categories/no-such-thing")).status_code == 404


async def test_product_page_offers_variants_nearby_stores_and_the_cart(client: AsyncClient) -> None:
    product = await make_product(name="优衣库 T恤", prices=(7900, 9900))
    first, second = product["variant_ids"]
    page = await client.get(f"/products/{product['id']}", params={"variant": second})
    assert page.status_code == 200
    html = page.text
    assert "¥99.00" in html
    assert f'hx-get="/fragments/variants/{second}/nearby"' in html
    assert 'hx-include=".nearby-position input"' in html and 'name="lat"' in html
    assert re.search(r'<form method="post" action="/cart/items"', html)
    assert f'name="variant_id" value="{second}"' in html
    assert 'name="buy_now" value="1"' in html
    assert 'name="_csrf_token"' in html
    assert f'href="?variant={first}"' in html
    assert f'href="/shops/{product["supplier_id"]}"' in html


async def test_unreviewed_and_suspended_products_have_no_page(client: AsyncClient) -> None:
    pending = await make_product(status="pending_review")
    assert (await client.get(f"/products/{pending['id']}")).status_code == 404
    suspended = await make_product(supplier_id=await make_supplier(status="suspended"))
    assert (await client.get(f"/products/{suspended['id']}")).status_code == 404


async def test_shop_page_shows_the_decoration_and_featured_goods(client: AsyncClient) -> None:
    supplier_id = await make_supplier()
    star = await make_product(supplier_id=supplier_id, name="招牌 保温杯")
    await make_product(supplier_id=supplier_id, name="普通 水杯")
    await make_product(supplier_id=supplier_id, name="待审 茶杯", status="pending_review")
    staff = await make_user(Role.SUPPLIER, supplier_id=supplier_id)
    await update_shop(
        staff,
        ShopInput(
            name="杯具旗舰店", intro="只卖好杯子", layout="list", featured_product_ids=[star["id"]]
        ),
    )
    page = await client.get(f"/shops/{supplier_id}")
    assert page.status_code == 200
    assert "杯具旗舰店" in page.text and "只卖好杯子" in page.text
    assert "layout-list" in page.text
    assert page.text.index("招牌 保温杯") < page.text.index("普通 水杯")
    assert "待审 茶杯" not in page.text


async def test_bad_search_filters_get_a_clear_message_in_one_language(client: AsyncClient) -> None:
    page = await client.get("/search", params={"min_price": "abc", "page": "x"})
    assert page.status_code == 400
    assert "最低价 不是有效价格：abc" in page.text
    assert "Lowest price" not in page.text
    wrong = await client.get("/search", params={"category": "abc"})
    assert wrong.status_code == 400 and "分类 无效：abc" in wrong.text
    assert "Expected" not in wrong.text
    upside_down = await client.get("/search", params={"min_price": "50", "max_price": "10"})
    assert "最低价高于最高价" in upside_down.text
    client.cookies.set("kuaiqu_lang", "en")
    english = await client.get("/search", params={"max_price": "nine", "supplier": "x"})
    assert "Highest price is not a price: nine" in english.text and "价" not in english.text


async def test_the_filter_panel_has_an_apply_button(client: AsyncClient) -> None:
    page = await client.get("/search", params={"q": "手机"})
    assert "应用筛选" in page.text and 'class="filter-actions"' in page.text


async def test_a_wrong_type_in_a_query_is_explained_not_quoted_from_msgspec(
    client: AsyncClient,
) -> None:
    response = await client.get("/api/products", params={"page": "x"})
    assert response.status_code == 400
    assert "page" in response.json()["detail"] and "应为整数" in response.json()["detail"]
    assert "Expected" not in response.json()["detail"]


async def test_out_of_stock_goods_are_shown_as_such_and_cannot_be_bought(
    client: AsyncClient,
) -> None:
    from tests.support.factories import make_store, stock

    product = await make_product(name="无货 保温杯", prices=(7900, 9900))
    held, empty = product["variant_ids"]
    await stock(await make_store(), held, 4)

    sold_out = await client.get(f"/products/{product['id']}", params={"variant": empty})
    buttons = re.findall(r"<button type=\"submit\"[^>]*>", sold_out.text)
    assert buttons and all("disabled" in b for b in buttons)
    assert "已售罄" in sold_out.text
    buyable = await client.get(f"/products/{product['id']}", params={"variant": held})
    buttons = re.findall(r"<button type=\"submit\"[^>]*>", buyable.text)
    assert buttons and not any("disabled" in b for b in buttons)

    nothing = await make_product(name="无货 茶杯")
    found = await client.get("/search", params={"q": "无货"})
    card = found.text[found.text.index(f'href="/products/{nothing["id"]}"') :]
    assert "已售罄" in card[: card.index("</li>")]
    other = found.text[found.text.index(f'href="/products/{product["id"]}"') :]
    assert "已售罄" not in other[: other.index("</li>")]
