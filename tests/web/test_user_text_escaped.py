"""Text typed by suppliers, staff and operators reaches the consumer's order page escaped.

A carrier name, a cancel reason and a store name become notes of order events; the order
page must show them as text (no script runs) and must answer 200 whatever they contain.
"""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from accounts.roles import Role
from fulfilment.orders import mark_order_paid
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

SCRIPT = "<img src=x onerror=alert(1)>"
HOSTILE = (SCRIPT, "100%", f"{SCRIPT} 100% {{{{ 7*7 }}}} %(x)s")


def assert_shown_as_text(page_status: int, html: str, typed: str) -> None:
    """The page answers 200 and shows `typed` escaped, never as live markup."""
    assert page_status == 200, html[:500]
    assert "<img src=x" not in html
    assert typed.replace("<", "&lt;").replace(">", "&gt;") in html


@pytest.mark.parametrize("carrier", HOSTILE)
async def test_a_carrier_name_shows_as_text(client: AsyncClient, carrier: str) -> None:
    supplier = await make_supplier()
    tea = (await make_product(supplier_id=supplier, prices=(5000,)))["variant_ids"][0]
    await stock(await make_store(BEIJING, kind="warehouse"), tea, 5)
    buyer = await make_user()
    order = await make_order(buyer.id, [(tea, 1)], method="delivery")
    await mark_order_paid(order.id, payment_id=order.payment.id)
    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier))
    shipped = await client.post(
        f"/api/supplier/fulfilments/{order.fulfilments[0].id}/ship",
        json={"carrier": carrier, "tracking_number": "SF1"},
    )
    assert shipped.status_code == 200, shipped.text

    await login(client, buyer)
    page = await client.get(f"/orders/{order.id}")

    assert_shown_as_text(page.status_code, page.text, carrier)


@pytest.mark.parametrize("reason", HOSTILE)
async def test_a_staff_cancel_reason_shows_as_text(client: AsyncClient, reason: str) -> None:
    store = await make_store()
    variant = (await make_product(prices=(3000,)))["variant_ids"][0]
    await stock(store, variant, 5)
    staff = await make_user(Role.STAFF, store_ids=[store])
    buyer = await make_user()
    order = await make_order(buyer.id, [(variant, 1)], location_id=store, payment_method="in_store")
    fulfilment = order.fulfilments[0]
    await login(client, staff)
    cancelled = await client.post(
        f"/api/pos/{store}/fulfilments/{fulfilment.id}/cancel-lines",
        json={"lines": [line.id for line in fulfilment.lines], "reason": reason},
    )
    assert cancelled.status_code == 200, cancelled.text

    await login(client, buyer)
    page = await client.get(f"/orders/{order.id}")

    assert_shown_as_text(page.status_code, page.text, reason)


@pytest.mark.parametrize("store_name", HOSTILE)
async def test_a_store_name_shows_as_text(client: AsyncClient, store_name: str) -> None:
    store = await make_store(name=store_name)
    variant = (await make_product(prices=(3000,)))["variant_ids"][0]
    await stock(store, variant, 5)
    buyer = await make_user()
    order = await make_order(buyer.id, [(variant, 1)], location_id=store, payment_method="in_store")

    await login(client, buyer)
    page = await client.get(f"/orders/{order.id}")
    listed = await client.get("/orders")

    assert_shown_as_text(page.status_code, page.text, store_name)
    assert_shown_as_text(listed.status_code, listed.text, store_name)
