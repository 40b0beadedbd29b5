"""The order centre: tabs 待付款 / 待发货 / 待收货 / 待自提 / 待评价 count what each holds."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.pickup.handover import hand_over
from fulfilment.pickup.staff_moves import mark_ready
from fulfilment.shipments import ship_fulfilment
from tests.support.factories import (
    BEIJING,
    counter_limiter,
    login,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    pickup_code,
    stock,
)


async def test_the_tabs_count_what_each_holds(client: AsyncClient) -> None:
    supplier = await make_supplier()
    variant = (await make_product(supplier_id=supplier))["variant_ids"][0]
    store = await make_store(BEIJING)
    await stock(store, variant, 20)
    buyer = await make_user()
    staff = await make_user(Role.STAFF, store_ids=[store])

    await make_order(buyer.id, [(variant, 1)], location_id=store)  # sandbox, unpaid: to pay
    await make_order(buyer.id, [(variant, 1)], location_id=store, payment_method="in_store")
    await make_order(buyer.id, [(variant, 1)], method="delivery", payment_method="cod")
    on_its_way = await make_order(buyer.id, [(variant, 1)], method="delivery", payment_method="cod")
    await ship_fulfilment(
        supplier,
        on_its_way.fulfilments[0].id,
        carrier="顺丰",
        tracking_number="SF123456789",
        actor_id=None,
    )
    collected = await make_order(
        buyer.id, [(variant, 1)], location_id=store, payment_method="in_store"
    )
    await mark_ready(store, collected.fulfilments[0].id, staff)
    fid = collected.fulfilments[0].id
    await hand_over(
        store, fid, staff, await pickup_code(fid), counter_limiter(), payment_method="cash"
    )
    await login(client, buyer)

    centre = (await client.get("/api/orders/centre")).json()
    assert centre["counts"] == {
        "all": 5,
        "to_pay": 1,
        "to_ship": 1,
        "to_receive": 1,
        "to_collect": 1,
        "to_review": 1,
    }
    assert len(centre["items"]) == 5
    shipped = (await client.get("/api/orders/centre", params={"tab": "to_receive"})).json()
    assert [o["id"] for o in shipped["items"]] == [on_its_way.id]

    page = await client.get("/orders", params={"tab": "to_review"})
    assert page.status_code == 200
    assert collected.number in page.text and on_its_way.number not in page.text
    for word in ("待付款", "待发货", "待收货", "待自提", "待评价"):
        assert word in page.text
    assert 'data-tab="to_review" aria-current="page"' in page.text
    stale = await client.get("/orders", params={"tab": "nonsense"})
    assert stale.status_code == 200 and on_its_way.number in stale.text
