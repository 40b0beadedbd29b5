"""Store finder and nearby-stock: distance order, open now, bands, default city point."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from piccolo.engine.base import Engine

from tests.support.factories import BEIJING, SHANGHAI, make_product, make_store, stock


async def test_stores_api_ranks_by_distance_and_lists_by_city_without_a_position(
    client: AsyncClient, db: Engine
) -> None:
    far = await make_store(SHANGHAI, name="上海店")
    near = await make_store((BEIJING[0] + 0.02, BEIJING[1]), name="北京店")
    found = await client.get("/api/locations", params={"lat": BEIJING[0], "lon": BEIJING[1]})
    items = found.json()["items"]
    assert [s["location_id"] for s in items] == [near, far]
    assert 2_000 < items[0]["distance_m"] < 2_500
    assert isinstance(items[0]["open_now"], bool)
    unlocated = (await client.get("/api/locations")).json()["items"]
    assert {s["distance_m"] for s in unlocated} == {None}
    half = await client.get("/api/locations", params={"lat": 10})
    assert half.status_code == 400 and "lat" in half.json()["detail"]


async def test_availability_gives_bands_nearest_first(client: AsyncClient, db: Engine) -> None:
    (variant,) = (await make_product())["variant_ids"]
    plenty = await make_store((BEIJING[0] + 0.05, BEIJING[1]))
    few = await make_store((BEIJING[0] + 0.01, BEIJING[1]))
    empty = await make_store((BEIJING[0] + 0.001, BEIJING[1]))
    await stock(plenty, variant, 40)
    await stock(few, variant, 2)
    response = await client.get(
        f"/api/variants/{variant}/availability",
        params={"lat": BEIJING[0], "lon": BEIJING[1], "limit": 5},
    )
    body = response.json()
    assert body["variant_id"] == variant and body["default_point"] is False
    assert [(s["location_id"], s["available"], s["band"]) for s in body["locations"]] == [
        (empty, 0, "out_of_stock"),
        (few, 2, "few_left"),
        (plenty, 40, "in_stock"),
    ]
    missing = await client.get("/api/variants/999999/availability")
    assert missing.status_code == 404


async def test_nearby_fragment_falls_back_to_beijing_and_says_so(
    client: AsyncClient, db: Engine
) -> None:
    (variant,) = (await make_product())["variant_ids"]
    store = await make_store(BEIJING, name="王府井店")
    await stock(store, variant, 3)
    fragment = await client.get(f"/fragments/variants/{variant}/nearby")
    assert fragment.status_code == 200
    assert "附近 1 家门店有货" in fragment.text
    assert "正在显示北京附近的门店" in fragment.text
    assert "仅剩少量" in fragment.text and "王府井店" in fragment.text
    located = await client.get(
        f"/fragments/variants/{variant}/nearby", params={"lat": SHANGHAI[0], "lon": SHANGHAI[1]}
    )
    assert "正在显示北京" not in located.text
    assert "使用我的位置" in located.text


async def test_product_page_without_a_position_gets_a_city_picker_not_an_error(
    client: AsyncClient, db: Engine
) -> None:
    (variant,) = (await make_product())["variant_ids"]
    beijing = await make_store(BEIJING, name="王府井店", city="北京")
    shanghai = await make_store(SHANGHAI, name="南京路店", city="上海")
    await stock(beijing, variant, 30)
    await stock(shanghai, variant, 2)
    # What the product page sends before (or instead of) the browser's position.
    refused = await client.get(
        f"/fragments/variants/{variant}/nearby",
        params={"lat": "", "lon": "", "city": "", "located": "refused"},
    )
    assert refused.status_code == 200
    assert "未获得您的位置，请选择城市" in refused.text
    assert 'data-pick-city="上海"' in refused.text and 'data-pick-city="北京"' in refused.text
    assert "王府井店" in refused.text and "南京路店" not in refused.text  # 1,000 km is not near
    picked = await client.get(
        f"/fragments/variants/{variant}/nearby", params={"lat": "", "lon": "", "city": "上海"}
    )
    assert picked.status_code == 200
    assert "南京路店" in picked.text and "王府井店" not in picked.text
    assert "仅剩少量" in picked.text
    granted = await client.get(
        f"/fragments/variants/{variant}/nearby", params={"lat": BEIJING[0], "lon": BEIJING[1]}
    )
    assert "data-pick-city" not in granted.text and "附近 1 家门店有货" in granted.text
    nowhere_near = await client.get(
        f"/fragments/variants/{variant}/nearby", params={"lat": 23.13, "lon": 113.32}
    )
    assert "较远处以下门店有货" in nowhere_near.text and "南京路店" in nowhere_near.text
    nonsense = await client.get(f"/fragments/variants/{variant}/nearby", params={"lat": "x"})
    assert nonsense.status_code == 400 and "lat" in nonsense.text


async def test_store_finder_page(client: AsyncClient, db: Engine) -> None:
    await make_store(BEIJING, name="王府井店")
    page = await client.get("/stores")
    assert page.status_code == 200
    assert "查找门店" in page.text and "王府井店" in page.text and "使用我的位置" in page.text
    located = await client.get("/stores", params={"lat": SHANGHAI[0], "lon": SHANGHAI[1]})
    assert "km" in located.text or "公里" in located.text


async def test_without_a_position_a_big_chain_asks_for_a_city(
    client: AsyncClient, db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storefront.stores_pages

    monkeypatch.setattr(storefront.stores_pages, "ALL_CITIES_UP_TO", 2)
    from locations.locations import create_location

    for name, city, point in (
        ("王府井店", "北京", BEIJING),
        ("西单店", "北京", BEIJING),
        ("南京东路店", "上海", SHANGHAI),
    ):
        await create_location(kind="store", name=name, city=city, lat=point[0], lon=point[1])
    page = await client.get("/stores")
    assert "王府井店" in page.text and "南京东路店" not in page.text  # Beijing first
    assert "上海 · 1" in page.text
    shanghai = await client.get("/stores", params={"city": "上海"})
    assert "南京东路店" in shanghai.text and "王府井店" not in shanghai.text
    api = (await client.get("/api/locations", params={"city": "上海"})).json()["items"]
    assert [s["name"] for s in api] == ["南京东路店"]
