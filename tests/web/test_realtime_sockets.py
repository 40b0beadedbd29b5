"""Websockets: subscribers get a hello with current state, then events after commit only."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from piccolo.engine.base import Engine

from accounts.roles import Role
from core.database import write_transaction
from core.realtime import location_topic, publish_after_commit, stock_topic
from fulfilment.orders import cancel_order
from tests.support.factories import (
    PASSWORD,
    make_order,
    make_product,
    make_store,
    make_user,
    stock,
)
from tests.support.live import serving


@pytest.fixture
async def live(db: Engine) -> str:
    from server.app import create_app

    async with serving(create_app()) as url:
        yield url


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


async def next_event(socket: websockets.ClientConnection) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout=5))


async def test_stock_socket_greets_with_levels_then_relays_committed_changes(live: str) -> None:
    store = await make_store()
    (variant,) = (await make_product())["variant_ids"]
    await stock(store, variant, 7)
    async with websockets.connect(ws_url(live, f"/ws/stock/{variant}")) as socket:
        hello = await next_event(socket)
        assert hello["type"] == "hello"
        assert hello["levels"] == [{"location_id": store, "available": 7}]

        with pytest.raises(RuntimeError):
            async with write_transaction():
                await publish_after_commit(stock_topic(variant), {"type": "stock", "n": 1})
                raise RuntimeError("rolled back")
        async with write_transaction():
            await publish_after_commit(stock_topic(variant), {"type": "stock", "n": 2})
        assert await next_event(socket) == {"type": "stock", "n": 2}


async def _session_cookie(base: str, email: str) -> str:
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


async def test_pos_socket_is_for_the_stores_own_staff(live: str) -> None:
    store, other = await make_store(), await make_store()
    staff = await make_user(Role.STAFF, store_ids=[store])
    cookie = await _session_cookie(live, staff.email)

    with pytest.raises(websockets.exceptions.WebSocketException):
        async with websockets.connect(ws_url(live, f"/ws/pos/{store}")) as anonymous:
            await next_event(anonymous)
    with pytest.raises(websockets.exceptions.WebSocketException):
        async with websockets.connect(
            ws_url(live, f"/ws/pos/{other}"), additional_headers={"cookie": cookie}
        ) as wrong_store:
            await next_event(wrong_store)

    async with websockets.connect(
        ws_url(live, f"/ws/pos/{store}"), additional_headers={"cookie": cookie}
    ) as socket:
        assert (await next_event(socket))["location_id"] == store
        await publish_after_commit(location_topic(store), {"type": "queue", "event": "new"})
        assert await next_event(socket) == {"type": "queue", "event": "new"}


async def test_order_socket_is_for_the_orders_customer_and_relays_its_moves(live: str) -> None:
    store = await make_store()
    (variant,) = (await make_product())["variant_ids"]
    await stock(store, variant, 2)
    buyer, stranger = await make_user(), await make_user()
    order = await make_order(buyer.id, [(variant, 1)], location_id=store)
    order_path = f"/ws/orders/{order.id}"

    stranger_cookie = await _session_cookie(live, stranger.email)
    with pytest.raises(websockets.exceptions.WebSocketException):
        async with websockets.connect(
            ws_url(live, order_path), additional_headers={"cookie": stranger_cookie}
        ) as refused:
            await next_event(refused)

    cookie = await _session_cookie(live, buyer.email)
    async with websockets.connect(
        ws_url(live, order_path), additional_headers={"cookie": cookie}
    ) as socket:
        hello = await next_event(socket)
        assert (hello["order_id"], hello["status"]) == (order.id, "pending_payment")
        await cancel_order(order.id, actor_id=buyer.id, customer_id=buyer.id)
        events = [await next_event(socket)]
        while events[-1].get("status") != "cancelled" and len(events) < 5:
            events.append(await next_event(socket))
    assert events[-1]["status"] == "cancelled"


async def test_a_socket_opened_from_another_site_is_refused(live: str) -> None:
    (variant,) = (await make_product())["variant_ids"]
    with pytest.raises(websockets.exceptions.InvalidStatus):
        async with websockets.connect(
            ws_url(live, f"/ws/stock/{variant}"), origin="https://evil.example"
        ):
            pass
    async with websockets.connect(ws_url(live, f"/ws/stock/{variant}"), origin=live) as ok:
        assert (await next_event(ok))["type"] == "hello"


async def test_every_follower_of_a_topic_gets_each_event_once(live: str) -> None:
    (variant,) = (await make_product())["variant_ids"]
    path = ws_url(live, f"/ws/stock/{variant}")
    sockets = [await websockets.connect(path) for _ in range(3)]
    try:
        for socket in sockets:
            assert (await next_event(socket))["type"] == "hello"
        async with write_transaction():
            await publish_after_commit(stock_topic(variant), {"type": "stock", "n": 1})
        for socket in sockets:
            assert await next_event(socket) == {"type": "stock", "n": 1}
        await sockets[0].close()  # one leaves; the others still follow
        async with write_transaction():
            await publish_after_commit(stock_topic(variant), {"type": "stock", "n": 2})
        for socket in sockets[1:]:
            assert await next_event(socket) == {"type": "stock", "n": 2}
        for socket in sockets[1:]:  # and nothing twice
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(socket.recv(), timeout=0.3)
    finally:
        for socket in sockets:
            await socket.close()
