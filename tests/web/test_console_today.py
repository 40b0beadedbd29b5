"""Today at a glance on the supplier and operator consoles: figures and queues with waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.orders import mark_order_paid
from fulfilment.today import start_of_day, today_figures
from tests.support.factories import (
    BEIJING,
    login,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
)


def test_the_day_starts_at_midnight_in_china() -> None:
    late_utc = datetime(2026, 12, 3, 17, 30, tzinfo=UTC)  # 01:30 on the 4th in Beijing
    assert start_of_day(late_utc) == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


async def test_supplier_and_operator_see_orders_parcels_and_waits(client: AsyncClient) -> None:
    mine, other = await make_supplier(), await make_supplier()
    tea = (await make_product(supplier_id=mine, name="龙井茶"))["variant_ids"][0]
    rice = (await make_product(supplier_id=other, name="五常大米"))["variant_ids"][0]
    await stock(await make_store(BEIJING, kind="warehouse"), tea, 5)
    await stock(await make_store(BEIJING, kind="warehouse"), rice, 5)
    buyer = await make_user()
    order = await make_order(buyer.id, [(tea, 1)], method="delivery")
    await mark_order_paid(order.id, payment_id=order.payment.id)
    await make_order(buyer.id, [(rice, 1)], method="delivery")  # unpaid: not to ship yet

    figures = await today_figures(mine)
    assert (figures.orders_today, figures.to_ship) == (1, 1)
    assert figures.ship_queue[0].order_number == order.number
    # Two hours on (perhaps into tomorrow in China): still to ship, waiting that long.
    later = await today_figures(mine, now=datetime.now(UTC) + timedelta(hours=2, minutes=5))
    assert later.to_ship == 1 and later.ship_queue[0].order_number == order.number
    assert 124 <= later.ship_queue[0].waiting_minutes <= 126

    await login(client, await make_user(Role.SUPPLIER, supplier_id=mine))
    mine_json = (await client.get("/api/supplier/today")).json()
    assert mine_json["orders_today"] == 1 and mine_json["to_ship"] == 1
    assert mine_json["ship_queue"][0]["order_number"] == order.number
    panel = await client.get("/supplier/today")
    assert "今日订单" in panel.text and order.number in panel.text
    assert 'hx-get="/supplier/today"' in (await client.get("/supplier")).text

    await login(client, await make_user(Role.OPERATOR))
    everything = (await client.get("/api/operator/today")).json()
    assert everything["orders_today"] == 2 and everything["to_ship"] == 1
    assert (await client.get("/api/supplier/today")).status_code == 403
    assert "待取货" in (await client.get("/operator/today")).text
