"""The 分类 page and the phone tab bar 首页 / 分类 / 购物车 / 我的."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import login, make_category, make_user


async def test_the_categories_page_shows_sub_categories_of_the_chosen_one(
    client: AsyncClient,
) -> None:
    phones = await make_category("手机数码")
    smart = await make_category("智能手机", parent_id=phones)
    await make_category("5G 手机", parent_id=smart)
    food = await make_category("生鲜")
    await make_category("水果", parent_id=food)

    first = await client.get("/categories")
    assert first.status_code == 200
    assert "手机数码" in first.text and "生鲜" in first.text
    assert "智能手机" in first.text and "5G 手机" in first.text and "水果" not in first.text
    rows = (await client.get("/api/categories")).json()
    food_slug = next(r["slug"] for r in rows if r["id"] == food)
    chosen = await client.get(f"/categories?c={food_slug}")
    assert "水果" in chosen.text and "智能手机" not in chosen.text


async def test_consumers_and_visitors_get_the_tab_bar_staff_do_not(client: AsyncClient) -> None:
    home = await client.get("/")
    assert 'class="tabbar"' in home.text and 'href="/categories"' in home.text
    assert 'href="/login?next=/account"' in home.text
    await login(client, await make_user())
    account = await client.get("/account")
    assert 'class="tabbar"' in account.text and 'href="/addresses"' in account.text
    assert 'class="tabbar"' not in (await client.get("/checkout")).text
    await login(client, await make_user(Role.OPERATOR))
    assert 'class="tabbar"' not in (await client.get("/account")).text
