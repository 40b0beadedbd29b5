"""Search through the API and pages: Chinese queries, brand and spec facets and filters,
and the operator's synonym groups (API and page), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from accounts.roles import Role
from catalog.products import VariantInput, create_product
from catalog.synonyms import add_group
from tests.support.factories import login, make_category, make_supplier, make_user, unique
from tests.support.web import submit_form


async def product(
    name: str, brand: str, colours: list[str], price: int = 99900, category: str = "手机"
) -> int:
    """A listed product with one variant per colour."""
    return await create_product(
        supplier_id=await make_supplier(),
        category_id=await make_category(category),
        name=name,
        brand=brand,
        specs={"颜色": colours} if colours else {},
        status="listed",
        variants=[
            VariantInput(sku=unique("SKU-"), price=price + i, options={"颜色": c})
            for i, c in enumerate(colours)
        ]
        or [VariantInput(sku=unique("SKU-"), price=price)],
    )


async def shelf() -> dict[str, int]:
    return {
        "iphone": await product("Apple iPhone 15 手机", "Apple 苹果", ["黑色", "白色"]),
        "mate": await product("华为 Mate 60 手机", "华为 HUAWEI", ["黑色"]),
        "pura": await product("华为 Pura 70 手机", "华为 HUAWEI", ["白色"]),
        "apple": await product("烟台 红富士 苹果 5斤", "", [], 3990, "水果"),
    }


async def test_chinese_queries_pinyin_and_model_numbers(client: AsyncClient) -> None:
    ids = await shelf()
    await add_group("苹果, apple, iphone")

    async def first(q: str) -> Any:
        answer = (await client.get("/api/products", params={"q": q})).json()
        return answer["items"][0]["id"] if answer["items"] else None

    assert await first("苹果手机") == ids["iphone"]
    assert await first("华为手机") in (ids["mate"], ids["pura"])
    assert await first("mate60") == ids["mate"]
    assert await first("pingguo") in (ids["iphone"], ids["apple"])
    assert await first("hongfushi") == ids["apple"]


async def test_brand_and_spec_facets_count_and_filter(client: AsyncClient) -> None:
    ids = await shelf()
    answer = (await client.get("/api/products", params={"q": "手机"})).json()
    assert answer["total"] == 3
    assert answer["brands"] == [
        {"value": "华为 HUAWEI", "count": 2},
        {"value": "Apple 苹果", "count": 1},
    ]
    assert {"name": "颜色", "value": "黑色", "count": 2} in answer["specs"]
    huawei = (
        await client.get("/api/products", params={"q": "手机", "brand": "华为 HUAWEI"})
    ).json()
    assert {i["id"] for i in huawei["items"]} == {ids["mate"], ids["pura"]}
    assert huawei["brands"] == answer["brands"]  # brand counts ignore the brand filter
    black = (
        await client.get(
            "/api/products", params=[("q", "手机"), ("spec", "颜色:黑色"), ("spec", "颜色:白色")]
        )
    ).json()
    assert [i["id"] for i in black["items"]] == [ids["iphone"]]
    either = (
        await client.get(
            "/api/products",
            params=[("brand", "华为 HUAWEI"), ("brand", "Apple 苹果"), ("spec", "颜色:白色")],
        )
    ).json()
    assert {i["id"] for i in either["items"]} == {ids["iphone"], ids["pura"]}


async def test_bad_filters_answer_400_naming_the_field(client: AsyncClient) -> None:
    bad = await client.get("/api/products", params={"spec": "no-colon"})
    assert bad.status_code == 400
    assert "规格" in bad.json()["detail"]  # zh-CN by default: "spec must look like …"
    deep = await client.get("/api/products", params={"page": 100_000})
    assert deep.status_code == 400
    assert "页码" in deep.json()["detail"]
    many = await client.get("/api/products", params=[("brand", str(i)) for i in range(11)])
    assert many.status_code == 400
    long = await client.get("/api/products", params={"q": "手机" * 51})
    assert long.status_code == 400 and "搜索词" in long.json()["detail"]
    page = await client.get("/search", params={"q": "手机" * 51})
    assert page.status_code == 400 and 'name="q"' in page.text


async def test_search_page_shows_facet_chips_and_keeps_filters_in_links(
    client: AsyncClient,
) -> None:
    await shelf()
    page = await client.get("/search", params={"q": "手机"})
    assert page.status_code == 200
    assert 'class="facets"' in page.text
    assert "华为 HUAWEI" in page.text and 'class="facet-count">2<' in page.text
    chosen = await client.get("/search", params={"q": "手机", "brand": "华为 HUAWEI"})
    assert "Apple iPhone 15" not in chosen.text
    assert 'aria-current="true"' in chosen.text


async def test_operator_edits_synonyms_through_the_api(client: AsyncClient) -> None:
    ids = await shelf()
    await login(client, await make_user(Role.OPERATOR))
    created = await client.post(
        "/api/operator/search/synonyms", json={"terms": ["果机", " iPhone ", "APPLE"]}
    )
    assert created.status_code == 201
    group = created.json()
    assert group["terms"] == ["果机", "iphone", "apple"]
    found = (await client.get("/api/products", params={"q": "果机"})).json()
    assert found["items"][0]["id"] == ids["iphone"]
    listed = (await client.get("/api/operator/search/synonyms")).json()
    assert [g["id"] for g in listed] == [group["id"]]
    changed = await client.put(
        f"/api/operator/search/synonyms/{group['id']}", json={"terms": ["果机", "华为"]}
    )
    assert changed.status_code == 200
    found = (await client.get("/api/products", params={"q": "果机"})).json()
    assert {i["id"] for i in found["items"]} == {ids["mate"], ids["pura"]}
    one = await client.post("/api/operator/search/synonyms", json={"terms": ["独词", "独词"]})
    assert one.status_code == 400 and "词语" in one.json()["detail"]
    gone = await client.delete(f"/api/operator/search/synonyms/{group['id']}")
    assert gone.status_code == 204
    missing = await client.delete(f"/api/operator/search/synonyms/{group['id']}")
    assert missing.status_code == 404


async def test_only_operators_edit_synonyms(client: AsyncClient) -> None:
    await login(client, await make_user(Role.CONSUMER))
    answer = await client.post("/api/operator/search/synonyms", json={"terms": ["a", "b"]})
    assert answer.status_code == 403


async def test_operator_synonyms_page_adds_edits_and_deletes(client: AsyncClient) -> None:
    await login(client, await make_user(Role.OPERATOR))
    dashboard = await client.get("/operator")
    assert "/operator/search/synonyms" in dashboard.text
    page = "/operator/search/synonyms"
    added = await submit_form(client, page, {"terms": "跑鞋，跑步鞋、running"})
    assert added.status_code in (302, 303)
    shown = await client.get(page)
    assert "跑步鞋" in shown.text and "running" in shown.text
    refused = await submit_form(client, page, {"terms": "只有一个"})
    assert refused.status_code == 400
    from catalog.synonyms import synonym_groups

    group = (await synonym_groups())[0]
    await submit_form(client, f"{page}/{group.id}", {"terms": "跑鞋, 慢跑鞋"}, page=page)
    assert (await synonym_groups())[0].terms == ["跑鞋", "慢跑鞋"]
    await submit_form(client, f"{page}/{group.id}/delete", {}, page=page)
    assert await synonym_groups() == []
