"""Search suggestions while typing and recent searches kept per visitor session."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import make_category, make_product


async def test_suggestions_put_names_starting_with_the_text_first(client: AsyncClient) -> None:
    phones = await make_category("手机")
    await make_product(category_id=phones, name="华为 Mate 60 手机")
    await make_product(category_id=phones, name="手机支架")
    await make_product(category_id=phones, name="手机壳 草稿", status="draft")

    found = (await client.get("/api/search/suggestions", params={"q": "手机"})).json()
    texts = [s["text"] for s in found]
    assert texts[0] == "手机" and found[0]["kind"] == "category"
    assert found[0]["url"].startswith("/categories/")
    assert texts.index("手机支架") < texts.index("华为 Mate 60 手机")
    assert "手机壳 草稿" not in texts  # drafts are not for consumers
    product = next(s for s in found if s["text"] == "手机支架")
    assert product["kind"] == "product" and product["url"].startswith("/products/")

    assert (await client.get("/api/search/suggestions", params={"q": "  "})).json() == []
    assert (await client.get("/api/search/suggestions", params={"q": "%_"})).json() == []
    long = await client.get("/api/search/suggestions", params={"q": "手机" + "x" * 300})
    assert long.status_code == 200 and long.json() == []  # cut to 50 characters, not refused


async def test_recent_searches_are_remembered_newest_first_and_cleared(
    client: AsyncClient,
) -> None:
    for text in ("耳机", "手机", "耳机", "  "):
        assert (await client.get("/search", params={"q": text})).status_code == 200
    recent = (await client.get("/api/search/recent")).json()
    assert recent == {"items": ["耳机", "手机"]}
    cleared = await client.delete("/api/search/recent")
    assert cleared.status_code == 200 and cleared.json() == {"items": []}
    assert (await client.get("/api/search/recent")).json() == {"items": []}


async def test_the_search_box_asks_for_suggestions_without_inline_script(
    client: AsyncClient,
) -> None:
    home = await client.get("/")
    assert "data-suggest" in home.text and "/static/js/search-suggest.js" in home.text
