"""The relay's send path: direct frame writes, and slow followers that hold up no one.

The events here are large (256 KB each, 10 MB in all: more than the kernel's socket buffers
hold) so that a client that stops reading fills its server transport's buffer and the relay
has to queue for it.
"""

from __future__ import annotations

import asyncio
import json
import socket as sockets
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import websockets
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from piccolo.engine.base import Engine

from core.realtime import publish, stock_topic
from server import socket_relay
from server.socket_relay import TopicRelay, relay_of
from tests.support.factories import make_product
from tests.support.live import serving

PADDING = "x" * 262144
EVENTS = 40


@pytest.fixture
async def app(db: Engine) -> Litestar:
    from server.app import create_app

    return create_app()


@pytest.fixture
async def live(app: Litestar) -> AsyncIterator[str]:
    async with serving(app) as url:
        yield url


def relay(app: Litestar) -> TopicRelay:
    return relay_of(app.plugins.get(ChannelsPlugin))


async def connect(url: str, path: str, **options: object) -> websockets.ClientConnection:
    socket = await websockets.connect(url.replace("http://", "ws://") + path, **options)
    assert json.loads(await asyncio.wait_for(socket.recv(), timeout=5))["type"] == "hello"
    return socket


async def stalled_client(url: str, path: str) -> websockets.ClientConnection:
    """A client with a tiny receive buffer that reads nothing until told (max_queue=1)."""
    parts = urlsplit(url)
    raw = sockets.socket()
    raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (parts.hostname, parts.port))
    return await connect(url, path, sock=raw, max_queue=1)


async def numbers(socket: websockets.ClientConnection, count: int) -> list[int]:
    """The `n` of the next `count` events on `socket` (5 s for all of them)."""
    async with asyncio.timeout(5):
        return [json.loads(await socket.recv())["n"] for _ in range(count)]


async def publish_events(topic: str) -> None:
    for n in range(EVENTS):
        publish(topic, {"type": "stock", "n": n, "padding": PADDING})
        await asyncio.sleep(0)


async def test_followers_of_the_live_app_get_frames_written_directly(
    app: Litestar, live: str
) -> None:
    (variant,) = (await make_product())["variant_ids"]
    socket = await connect(live, f"/ws/stock/{variant}")
    try:
        # Every wrapper around uvicorn's send is one the direct writer can see through:
        # a new middleware that hides it would send every event through ASGI again.
        assert relay(app).followers(stock_topic(variant)) == (1, 1)
        publish(stock_topic(variant), {"type": "stock", "n": 0})
        assert await numbers(socket, 1) == [0]
        assert relay(app).queued_sends == 0
    finally:
        await socket.close()


async def test_a_slow_reader_gets_every_event_in_order_without_holding_up_others(
    app: Litestar, live: str
) -> None:
    (variant,) = (await make_product())["variant_ids"]
    path, topic = f"/ws/stock/{variant}", stock_topic(variant)
    fast = [await connect(live, path) for _ in range(3)]
    slow = await stalled_client(live, path)
    try:
        await publish_events(topic)
        # The fast readers get all 40 in order while the slow one has not read a byte.
        got = await asyncio.gather(*(numbers(socket, EVENTS) for socket in fast))
        assert got == [list(range(EVENTS))] * 3
        assert relay(app).queued_sends > 0  # the slow one's buffer filled: it was queued for
        # Reading again (before the send timeout), it gets every event, in order, none twice.
        assert await numbers(slow, EVENTS) == list(range(EVENTS))
        publish(topic, {"type": "stock", "n": EVENTS})
        assert await numbers(slow, 1) == [EVENTS]
        assert relay(app).followers(topic) == (4, 4)
    finally:
        for socket in (*fast, slow):
            await socket.close()


async def test_a_follower_that_stops_reading_is_dropped_after_the_send_timeout(
    app: Litestar, live: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket_relay, "SEND_TIMEOUT_S", 0.3)
    (variant,) = (await make_product())["variant_ids"]
    path, topic = f"/ws/stock/{variant}", stock_topic(variant)
    fast = await connect(live, path)
    slow = await stalled_client(live, path)
    try:
        await publish_events(topic)
        assert await numbers(fast, EVENTS) == list(range(EVENTS))
        assert relay(app).queued_sends > 0
        await asyncio.sleep(1)  # > the send timeout of the stalled client's first queued event
        assert relay(app).followers(topic) == (1, 1)
        publish(topic, {"type": "stock", "n": EVENTS})
        assert await numbers(fast, 1) == [EVENTS]
    finally:
        await fast.close()
        slow.transport.abort()
