"""Operator location admin: create, edit, geocode preview, photo, through the API and the pages."""

from __future__ import annotations

import io

from httpx import AsyncClient
from piccolo.engine.base import Engine
from PIL import Image

from accounts.roles import Role
from tests.support.factories import login, make_user
from tests.support.web import submit_form

LUJIAZUI = {
    "kind": "store",
    "name": "快取 陆家嘴店",
    "city": "上海",
    "address": "浦东新区世纪大道100号",
    "phone": "021-5000 1234",
    "opening_hours": ["09:00-21:00"] * 5 + ["10:00-22:00"] * 2,
    "pickup_hold_days": 5,
}


async def as_operator(client: AsyncClient) -> None:
    await login(client, await make_user(Role.OPERATOR))


async def test_operator_creates_a_store_geocoded_from_its_address(
    client: AsyncClient, db: Engine
) -> None:
    await as_operator(client)
    response = await client.post("/api/operator/locations", json=LUJIAZUI)
    assert response.status_code == 201, response.text
    store = response.json()
    assert (store["district"], store["adcode"], store["pickup_hold_days"]) == (
        "浦东新区",
        "310115",
        5,
    )
    assert abs(store["lat"] - 31.22) < 0.05 and abs(store["lon"] - 121.54) < 0.05
    edited = await client.put(
        f"/api/operator/locations/{store['id']}",
        json={**LUJIAZUI, "lat": 31.2397, "lon": 121.4998, "pickup_enabled": False},
    )
    assert edited.status_code == 200
    assert (edited.json()["lat"], edited.json()["pickup_enabled"]) == (31.2397, False)
    listed = (await client.get("/api/operator/locations")).json()
    assert [loc["name"] for loc in listed] == ["快取 陆家嘴店"]


async def test_unplaceable_address_and_bad_hours_get_a_clear_400(
    client: AsyncClient, db: Engine
) -> None:
    await as_operator(client)
    nowhere = await client.post(
        "/api/operator/locations", json={**LUJIAZUI, "city": "", "address": "火星基地"}
    )
    assert nowhere.status_code == 400
    assert nowhere.json()["code"] == "address_not_found"
    assert "无法定位地址" in nowhere.json()["detail"]
    hours = await client.post(
        "/api/operator/locations", json={**LUJIAZUI, "opening_hours": ["9-5"] * 7}
    )
    assert hours.status_code == 400
    assert (await client.get("/api/operator/locations")).json() == []


async def test_geocode_preview(client: AsyncClient, db: Engine) -> None:
    await as_operator(client)
    found = await client.post(
        "/api/operator/locations/geocode", json={"address": "广东省深圳市南山区科技园"}
    )
    assert found.json()["district"] == "南山区"
    assert found.json()["precision"] == "district"
    page = await submit_form(
        client,
        "/operator/locations/geocode",
        {"city": "杭州", "address": "西湖区文三路"},
        page="/operator/locations/new",
    )
    assert page.status_code == 200 and "西湖区" in page.text


async def test_only_the_operator_manages_locations(client: AsyncClient, db: Engine) -> None:
    await login(client, await make_user(Role.CONSUMER))
    assert (await client.post("/api/operator/locations", json=LUJIAZUI)).status_code == 403
    assert (await client.get("/operator/locations")).status_code == 403


async def test_the_location_pages_create_edit_and_upload_a_photo(
    client: AsyncClient, db: Engine
) -> None:
    await as_operator(client)
    fields = {
        "kind": "store",
        "name": "快取 天河店",
        "city": "广州",
        "address": "天河区天河路208号",
        "pickup_enabled": "1",
        "pickup_hold_days": "3",
        "prep_minutes": "20",
        "is_active": "1",
        **{f"h{i}": "10:00-22:00" for i in range(7)},
    }
    created = await submit_form(client, "/operator/locations/new", fields)
    assert created.status_code in (302, 303), created.text
    location_url = created.headers["location"]
    page = await client.get(location_url)
    assert "天河区" in page.text
    refused = await submit_form(
        client, location_url, {**fields, "lat": "31.2", "lon": ""}, page=location_url
    )
    assert refused.status_code == 400 and "请同时填写纬度和经度" in refused.text
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "PNG")
    token = client.cookies.get("kuaiqu_csrf", "")
    uploaded = await client.post(
        f"{location_url}/photo",
        files={"photo": ("shop.png", image.getvalue(), "image/png")},
        headers={"x-csrftoken": token},
    )
    assert uploaded.status_code in (302, 303)
    page = await client.get(location_url)
    assert "/media/locations/" in page.text
    not_image = await client.post(
        f"{location_url}/photo",
        files={"photo": ("shop.png", b"not an image", "image/png")},
        headers={"x-csrftoken": token},
    )
    assert not_image.status_code == 400
    listing = await client.get("/operator/locations")
    assert "快取 天河店" in listing.text


async def test_a_supplier_manages_its_own_warehouse_and_stocks_it(
    client: AsyncClient, db: Engine
) -> None:
    from tests.support.factories import make_product, make_store

    product = await make_product()
    await login(client, await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"]))
    created = await client.post(
        "/api/supplier/locations",
        json={**LUJIAZUI, "kind": "warehouse", "name": "自有仓", "owner_supplier_id": 999},
    )
    assert created.status_code == 201, created.text
    warehouse = created.json()
    assert warehouse["owner_supplier_id"] == product["supplier_id"]  # always its own
    assert warehouse["pickup_enabled"] is False  # warehouses never offer pickup
    own = [loc["id"] for loc in (await client.get("/api/supplier/locations")).json()]
    assert own == [warehouse["id"]]
    stocked = await client.put(
        f"/api/supplier/stock/{warehouse['id']}/{product['variant_ids'][0]}",
        json={"on_hand": 30, "reason": "count"},
    )
    assert stocked.status_code == 200
    operator_store = await make_store()
    refused = await client.put(
        f"/api/supplier/locations/{operator_store}", json={**LUJIAZUI, "name": "抢来的店"}
    )
    assert refused.status_code == 403
    page = await client.get("/supplier/locations")
    assert page.status_code == 200 and "自有仓" in page.text
    form = await client.get(f"/supplier/locations/{warehouse['id']}")
    assert "owner_supplier_id" not in form.text
    assert (await client.get(f"/supplier/locations/{operator_store}")).status_code == 403


async def test_another_supplier_cannot_use_a_suppliers_own_location(
    client: AsyncClient, db: Engine
) -> None:
    from tests.support.factories import make_product

    mine, theirs = await make_product(), await make_product()
    await login(client, await make_user(Role.SUPPLIER, supplier_id=theirs["supplier_id"]))
    their_warehouse = (
        await client.post("/api/supplier/locations", json={**LUJIAZUI, "kind": "warehouse"})
    ).json()["id"]
    await client.post("/api/auth/logout")
    await login(client, await make_user(Role.SUPPLIER, supplier_id=mine["supplier_id"]))
    response = await client.put(
        f"/api/supplier/stock/{their_warehouse}/{mine['variant_ids'][0]}",
        json={"delta": 5, "reason": "receive"},
    )
    assert response.status_code == 403
