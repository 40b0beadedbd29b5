"""A supplier's stock change reaches the `/ws/stock/{variant}` subscribers after commit."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from piccolo.engine.base import Engine

from accounts.roles import Role
from tests.support.factories import PASSWORD, make_product, make_store, make_user, stock
from tests.support.live import serving


@pytest.fixture
async def live(db: Engine) -> str:
    from server.app import create_app

    async with serving(create_app()) as url:
        yield url


async def test_an_adjustment_is_pushed_to_stock_watchers(live: str) -> None:
    product = await make_product()
    (variant,) = product["variant_ids"]
    store = await make_store()
    await stock(store, variant, 7)
    supplier = await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"])
    socket_url = live.replace("http://", "ws://") + f"/ws/stock/{variant}"
    async with (
        websockets.connect(socket_url) as socket,
        httpx.AsyncClient(base_url=live) as client,
    ):
        hello = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
        assert hello["type"] == "hello"
        login = await client.post(
            "/api/auth/login", json={"email": supplier.email, "password": PASSWORD}
        )
        assert login.status_code == 200
        refused = await client.put(
            f"/api/supplier/stock/{store}/{variant}", json={"delta": -9, "reason": "loss"}
        )
        assert refused.status_code == 400
        done = await client.put(
            f"/api/supplier/stock/{store}/{variant}", json={"delta": -2, "reason": "damage"}
        )
        assert done.status_code == 200
        event = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
        assert event == {
            "type": "stock",
            "variant_id": variant,
            "location_id": store,
            "on_hand": 5,
            "reserved": 0,
            "available": 5,
        }
