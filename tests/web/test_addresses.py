"""The address book (收货地址) through the JSON API and the pages, and checkout using it."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import BEIJING, login, make_product, make_store, make_user, stock
from tests.support.web import submit_form

HOME = {"name": "王芳", "phone": "139 0000 0000", "city": "北京市", "detail": "朝阳路 1 号"}


async def test_addresses_are_added_changed_defaulted_and_deleted_through_the_api(
    client: AsyncClient,
) -> None:
    await login(client, await make_user())
    first = await client.post("/api/addresses", json=HOME)
    assert first.status_code == 201, first.text
    assert first.json()["phone"] == "13900000000" and first.json()["is_default"] is True
    second = await client.post(
        "/api/addresses", json={**HOME, "name": "李雷", "phone": "13800138000"}
    )
    assert second.json()["is_default"] is False

    made = await client.post(f"/api/addresses/{second.json()['id']}/default")
    assert made.json()["is_default"] is True
    listed = (await client.get("/api/addresses")).json()
    assert [a["name"] for a in listed] == ["李雷", "王芳"]
    assert [a["is_default"] for a in listed] == [True, False]

    changed = await client.put(
        f"/api/addresses/{first.json()['id']}", json={**HOME, "detail": "建国路 88 号"}
    )
    assert changed.status_code == 200 and changed.json()["detail"] == "建国路 88 号"

    assert (await client.delete(f"/api/addresses/{second.json()['id']}")).status_code == 204
    left = (await client.get("/api/addresses")).json()
    assert [(a["name"], a["is_default"]) for a in left] == [("王芳", True)]


async def test_an_address_with_an_invalid_mobile_number_is_refused_naming_the_field(
    client: AsyncClient,
) -> None:
    await login(client, await make_user())
    refused = await client.post("/api/addresses", json={**HOME, "phone": "123"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "phone" and "123" in refused.json()["detail"]
    long = await client.post("/api/addresses", json={**HOME, "name": "0" * 200})
    assert long.status_code == 400 and long.json()["field"] == "name"
    empty = await client.post("/api/addresses", json={**HOME, "detail": "  "})
    assert empty.status_code == 400 and empty.json()["field"] == "detail"
    assert (await client.get("/api/addresses")).json() == []


async def test_another_persons_address_is_not_found(client: AsyncClient) -> None:
    await login(client, await make_user())
    mine = (await client.post("/api/addresses", json=HOME)).json()
    await login(client, await make_user())
    assert (await client.get(f"/api/addresses/{mine['id']}")).status_code == 404
    assert (await client.put(f"/api/addresses/{mine['id']}", json=HOME)).status_code == 404
    assert (await client.delete(f"/api/addresses/{mine['id']}")).status_code == 404


async def test_the_address_pages_show_every_problem_at_once_then_save(
    client: AsyncClient,
) -> None:
    await login(client, await make_user())
    refused = await submit_form(
        client, "/addresses", {"name": "", "phone": "123", "detail": ""}, page="/addresses/new"
    )
    assert refused.status_code == 400
    assert refused.text.count('class="field-error"') == 3
    assert "123" in refused.text  # what was typed stays in the form

    saved = await submit_form(client, "/addresses", HOME, page="/addresses/new")
    assert saved.status_code in (302, 303) and saved.headers["location"] == "/addresses"
    page = await client.get("/addresses")
    assert "王芳" in page.text and "13900000000" in page.text and "朝阳路 1 号" in page.text
    address_id = (await client.get("/api/addresses")).json()[0]["id"]
    edit = await client.get(f"/addresses/{address_id}/edit")
    assert "朝阳路 1 号" in edit.text
    await submit_form(client, f"/addresses/{address_id}/delete", {}, page="/addresses")
    assert (await client.get("/api/addresses")).json() == []


async def test_an_order_takes_a_saved_address_by_id(client: AsyncClient) -> None:
    variant = (await make_product())["variant_ids"][0]
    await stock(await make_store(BEIJING, kind="warehouse"), variant, 3)
    await login(client, await make_user())
    saved = (await client.post("/api/addresses", json=HOME)).json()
    body = {
        "lines": [{"variant_id": variant, "quantity": 1}],
        "method": "delivery",
        "payment_method": "cod",
        "position": {"lat": BEIJING[0], "lon": BEIJING[1]},
    }
    placed = await client.post(
        "/api/orders", json={**body, "address_id": saved["id"]}, headers={"Idempotency-Key": "a1"}
    )
    assert placed.status_code == 201, placed.text
    address = placed.json()["delivery_address"]
    assert address["name"] == "王芳" and address["phone"] == "13900000000"
    assert address["detail"] == "朝阳路 1 号"
    missing = await client.post(
        "/api/orders", json={**body, "address_id": 999999}, headers={"Idempotency-Key": "a2"}
    )
    assert missing.status_code == 404


async def test_checkout_offers_the_default_address_for_delivery(client: AsyncClient) -> None:
    variant = (await make_product())["variant_ids"][0]
    await stock(await make_store(BEIJING, kind="warehouse"), variant, 3)
    await login(client, await make_user())
    saved = (await client.post("/api/addresses", json=HOME)).json()
    page = await client.get(
        f"/checkout?buy_now={variant}:1&method=delivery&lat={BEIJING[0]}&lon={BEIJING[1]}"
    )
    assert page.status_code == 200
    assert f'name="address_id" value="{saved["id"]}" checked' in page.text
    placed = await submit_form(
        client,
        "/checkout",
        {
            "buy_now": f"{variant}:1",
            "method": "delivery",
            "lat": str(BEIJING[0]),
            "lon": str(BEIJING[1]),
            "address_id": str(saved["id"]),
            "payment_method": "cod",
            "idempotency_key": "co-1",
        },
        page=f"/checkout?buy_now={variant}:1&method=delivery",
    )
    assert placed.status_code in (302, 303), placed.text[:500]
    order_id = int(placed.headers["location"].rsplit("/", 1)[1])
    order = (await client.get(f"/api/orders/{order_id}")).json()
    assert order["delivery_address"]["phone"] == "13900000000"
