"""A pickup order records who collects it; the counter sees only the phone's last four digits."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import BEIJING, login, make_product, make_store, make_user, stock


async def test_a_pickup_contact_is_recorded_and_staff_see_only_the_last_four_digits(
    client: AsyncClient,
) -> None:
    store = await make_store(BEIJING)
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 5)
    buyer = await make_user()
    staff = await make_user(Role.STAFF, store_ids=[store])
    body = {
        "lines": [{"variant_id": variant, "quantity": 1}],
        "method": "pickup",
        "location_id": store,
        "payment_method": "in_store",
    }
    await login(client, buyer)
    refused = await client.post(
        "/api/orders",
        json={**body, "pickup_contact": {"name": "李雷", "phone": "5551234"}},
        headers={"Idempotency-Key": "contact-1"},
    )
    assert refused.status_code == 400 and refused.json()["field"] == "pickup_contact.phone"
    placed = await client.post(
        "/api/orders",
        json={**body, "pickup_contact": {"name": "李雷", "phone": "139 1234 5678"}},
        headers={"Idempotency-Key": "contact-2"},
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["pickup_contact"] == {"name": "李雷", "phone": "13912345678"}
    mine = await client.get(f"/orders/{order['id']}")
    assert "李雷" in mine.text and "13912345678" in mine.text

    await login(client, staff)
    queue = (await client.get(f"/api/pos/{store}/queue")).json()
    ticket = next(t for t in queue["items"] if t["order_id"] == order["id"])
    assert ticket["collector_name"] == "李雷" and ticket["collector_phone_last4"] == "5678"
    assert "short_code" not in ticket  # the counter asks for the code, the queue never has it
    html = (await client.get(f"/pos/{store}/queue-fragment")).text
    assert "李雷" in html and "5678" in html
    for seen in (str(queue), html):
        assert "13912345678" not in seen and "1391234" not in seen
