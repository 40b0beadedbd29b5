"""Parcel tracking: the sandbox carrier's scans on the order page and API; signed = delivered."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.carriers import Parcel, ParcelStage, SandboxCarrier, carrier_for, refresh_parcels
from fulfilment.moves import now_utc
from fulfilment.orders import mark_order_paid
from locations.locations import create_location
from tests.support.factories import (
    BEIJING,
    login,
    make_order,
    make_product,
    make_supplier,
    make_user,
    stock,
)


async def test_the_sandbox_journey_between_cities_goes_through_a_hub() -> None:
    shipped = now_utc()
    parcel = Parcel("KQ123", shipped, "北京市", "上海市", "浦东新区")
    carrier = SandboxCarrier()
    assert await carrier.track(parcel, shipped) == []
    early = await carrier.track(parcel, shipped + timedelta(hours=4))
    assert [(e.stage, e.place) for e in early] == [
        (ParcelStage.COLLECTED, "北京"),
        (ParcelStage.IN_TRANSIT, "北京转运中心"),
    ]
    done = await carrier.track(parcel, shipped + timedelta(days=2))
    assert [e.stage for e in done] == [
        ParcelStage.COLLECTED,
        ParcelStage.IN_TRANSIT,
        ParcelStage.IN_TRANSIT,
        ParcelStage.IN_TRANSIT,
        ParcelStage.OUT_FOR_DELIVERY,
        ParcelStage.DELIVERED,
    ]
    assert done[-1].place == "上海浦东新区" and done[3].place == "上海转运中心"
    assert done[2].place.endswith("转运中心") and done[2].place not in (
        "北京转运中心",
        "上海转运中心",
    )
    assert [e.happened_at for e in done] == sorted(e.happened_at for e in done)
    assert carrier_for(" 沙箱快递 ") is not None and carrier_for("顺丰速运") is None


async def test_scans_show_on_the_order_and_a_signed_parcel_becomes_delivered(
    client: AsyncClient,
) -> None:
    supplier = await make_supplier()
    tea = (await make_product(supplier_id=supplier, name="龙井茶"))["variant_ids"][0]
    warehouse = await create_location(
        kind="warehouse", name="北京仓", lat=BEIJING[0], lon=BEIJING[1], city="北京市"
    )
    await stock(warehouse, tea, 5)
    buyer = await make_user()
    address = {
        "name": "王芳",
        "phone": "13900000000",
        "city": "上海市",
        "district": "黄浦区",
        "detail": "南京东路 1 号",
    }
    order = await make_order(buyer.id, [(tea, 1)], method="delivery", address=address)
    await mark_order_paid(order.id, payment_id=order.payment.id)
    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier))
    fulfilment = order.fulfilments[0].id
    shipped = await client.post(
        f"/api/supplier/fulfilments/{fulfilment}/ship",
        json={"carrier": "沙箱快递", "tracking_number": "SBX0001"},
    )
    assert shipped.status_code == 200, shipped.text

    await login(client, buyer)
    waiting = await client.get(f"/orders/{order.id}")
    assert "等待快递公司揽收扫描" in waiting.text

    assert await refresh_parcels([fulfilment], now=now_utc() + timedelta(hours=12)) == 3
    assert await refresh_parcels([fulfilment], now=now_utc() + timedelta(hours=12)) == 0
    seen = (await client.get(f"/api/orders/{order.id}")).json()["fulfilments"][0]
    assert [e["kind"] for e in seen["parcel_events"]] == [
        "parcel_in_transit",
        "parcel_in_transit",
        "parcel_collected",
    ]
    assert seen["parcel_events"][-1]["place"] == "北京" and seen["status"] == "shipped"
    page = await client.get(f"/orders/{order.id}")
    assert "运输中" in page.text and "已揽收" in page.text and "北京转运中心" in page.text

    await refresh_parcels(now=now_utc() + timedelta(hours=31))  # the sweep: every parcel
    done = (await client.get(f"/api/orders/{order.id}")).json()
    assert done["fulfilments"][0]["status"] == "delivered"
    assert done["fulfilments"][0]["parcel_events"][0] == {
        **done["fulfilments"][0]["parcel_events"][0],
        "kind": "parcel_delivered",
        "place": "上海黄浦区",
    }
    assert done["can_confirm_receipt"] is True
    english = await client.get(f"/orders/{order.id}", headers={"Accept-Language": "en"})
    assert "已签收" in english.text or "Signed for" in english.text


async def test_pickup_orders_show_the_store_phone_hours_and_a_map_link(
    client: AsyncClient,
) -> None:
    store = await create_location(
        kind="store",
        name="望京店",
        lat=BEIJING[0],
        lon=BEIJING[1],
        phone="010-64701234",
        address="望京街 9 号",
    )
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 3)
    buyer = await make_user()
    order = await make_order(buyer.id, [(variant, 1)], location_id=store)
    await login(client, buyer)
    page = await client.get(f"/orders/{order.id}")
    assert "010-64701234" in page.text and "望京街 9 号" in page.text
    assert "uri.amap.com" in page.text
    api = (await client.get(f"/api/orders/{order.id}")).json()
    assert api["fulfilments"][0]["location_phone"] == "010-64701234"
