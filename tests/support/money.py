"""Paying a supplier's entry fee and deposit through the sandbox, as its staff would."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.web import submit_form


async def pay_dues_via_api(client: AsyncClient) -> list[int]:
    """Pay every due of the signed-in supplier through the API; returns the payment ids."""
    paid = []
    dues = (await client.get("/api/supplier/money")).json()["dues"]
    for purpose in ("entry_fee", "deposit"):
        if dues[f"{purpose}_due"] == 0:
            continue
        started = await client.post("/api/supplier/money/pay", json={"purpose": purpose})
        assert started.status_code == 200, started.text
        payment_id = started.json()["payment_id"]
        done = await client.post(f"/api/pay/sandbox/{payment_id}", json={"status": "succeeded"})
        assert done.status_code == 200, done.text
        paid.append(payment_id)
    return paid


async def pay_dues_via_pages(client: AsyncClient) -> None:
    """Pay every due of the signed-in supplier from /supplier/money and the sandbox page."""
    for purpose in ("entry_fee", "deposit"):
        if (
            f'action="/supplier/money/pay/{purpose}"'
            not in (await client.get("/supplier/money")).text
        ):
            continue
        opened = await submit_form(
            client, f"/supplier/money/pay/{purpose}", {}, page="/supplier/money"
        )
        assert opened.status_code in (302, 303), opened.text
        pay_page = opened.headers["location"]
        assert pay_page.startswith("/pay/sandbox/")
        done = await submit_form(client, pay_page, {"outcome": "succeeded"})
        assert done.status_code in (302, 303)
        assert done.headers["location"] == "/supplier/money"
