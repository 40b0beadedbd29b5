"""After-sales through HTTP: consumer API and pages, POS receive, supplier, operator console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.aftersales import received_order
from tests.support.factories import login, make_store, make_user
from tests.support.stock import stock_level
from tests.support.web import submit_form


async def test_store_return_through_the_api(client: AsyncClient) -> None:
    bought = await received_order((8_800,))
    order, line = bought["order"], bought["lines"][0]
    store = await make_store()
    stranger = await make_user()
    await login(client, stranger)
    refused = await client.post(
        f"/api/orders/{order.id}/lines/{line.id}/after-sales",
        json={
            "kind": "return_refund",
            "reason": "x",
            "return_method": "store",
            "store_location_id": store,
        },
    )
    assert refused.status_code == 403, refused.text

    await login(client, bought["consumer"])
    bad = await client.post(
        f"/api/orders/{order.id}/lines/{line.id}/after-sales",
        json={"kind": "swap", "reason": "x"},
    )
    assert bad.status_code == 400 and "kind" in bad.json()["detail"]
    asked = await client.post(
        f"/api/orders/{order.id}/lines/{line.id}/after-sales",
        json={
            "kind": "return_refund",
            "reason": "尺码不合适",
            "return_method": "store",
            "store_location_id": store,
        },
    )
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (await client.get(f"/after-sales/{request['id']}/qr")).status_code == 200

    await login(client, bought["supplier_user"])
    queue = (await client.get("/api/supplier/after-sales")).json()
    assert [r["id"] for r in queue] == [request["id"]]
    approved = await client.post(
        f"/api/supplier/after-sales/{request['id']}/answer", json={"decision": "approve"}
    )
    assert approved.json()["status"] == "approved"

    clerk = await make_user(Role.STAFF, store_ids=[store])
    await login(client, clerk)
    before = await stock_level(store, line.variant_id)
    received = await client.post(
        f"/api/pos/{store}/returns/receive", json={"token": request["token"]}
    )
    assert received.status_code == 200, received.text
    assert received.json()["refunded_amount"] == 8_800
    assert await stock_level(store, line.variant_id) == (before[0] + 1, before[1])
    again = await client.post(f"/api/pos/{store}/returns/receive", json={"token": request["token"]})
    assert again.status_code == 409

    await login(client, bought["consumer"])
    page = await client.get(f"/orders/{order.id}/after-sales")
    assert page.status_code == 200 and "88.00" in page.text
    assert f"refund-{request['id']}" in page.text

    operator = await make_user(Role.OPERATOR)
    await login(client, operator)
    found = (await client.get("/api/operator/orders", params={"q": order.number})).json()
    assert [o["id"] for o in found] == [order.id]
    file = (await client.get(f"/api/operator/orders/{order.id}")).json()
    assert file["requests"][0]["refunded_amount"] == 8_800
    console = await client.get(f"/operator/orders/{order.id}")
    assert console.status_code == 200 and "aftersale" in console.text


async def test_pages_ask_and_a_closed_window_is_a_clear_4xx(client: AsyncClient) -> None:
    bought = await received_order()
    order, line = bought["order"], bought["lines"][0]
    await login(client, bought["consumer"])
    response = await submit_form(
        client,
        f"/orders/{order.id}/after-sales",
        {
            "line_id": str(line.id),
            "kind": "refund_only",
            "reason": "不想要了",
            "return_method": "store",
            "store_location_id": "",
            "replacement_variant_id": "",
        },
        page=f"/orders/{order.id}/after-sales",
    )
    assert response.status_code in (201, 302, 303), response.text
    page = await client.get(f"/orders/{order.id}/after-sales")
    assert 'data-status="requested"' in page.text

    from aftersales.tables import AfterSaleRequest

    await AfterSaleRequest.delete(force=True)
    from fulfilment.tables import Fulfilment

    await Fulfilment.update({Fulfilment.updated_at: datetime.now(UTC) - timedelta(days=8)}).where(
        Fulfilment.id == line.fulfilment_id
    )
    late = await client.post(
        f"/api/orders/{order.id}/lines/{line.id}/after-sales",
        json={"kind": "refund_only", "reason": "x"},
    )
    assert late.status_code == 400 and late.json()["code"] == "window_closed", late.text

    await login(client, bought["supplier_user"])
    assert (await client.get("/supplier/after-sales")).status_code == 200
    await login(client, await make_user(Role.OPERATOR))
    assert (await client.get("/operator/after-sales")).status_code == 200
    assert (await client.get("/operator/orders", params={"q": "s:1"})).status_code == 200
