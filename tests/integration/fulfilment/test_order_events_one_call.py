"""An order's realtime events leave after its commit, all of them in ONE Redis call.

Placing a 2-line pickup order announces both stock rows, the store's queue and the order;
with Redis those four events are one script call (before: one call each), delivered in the
order they were published, and a refused order sends nothing.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator
from typing import Any

import pytest
from piccolo.engine.base import Engine
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from core import realtime
from fulfilment.errors import OutOfStock
from tests.support.factories import BEIJING, make_order, make_product, make_store, make_user, stock


@pytest.fixture
async def redis_hub(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """The hub bound to a Redis channels plugin; yields a tally of Redis commands sent."""
    sent: collections.Counter[str] = collections.Counter()
    run = Redis.execute_command

    async def counted(self: Redis, *args: Any, **options: Any) -> Any:
        sent[str(args[0]).upper()] += 1
        return await run(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted)
    realtime.bind_hub(realtime.make_channels_plugin(redis_url))
    try:
        yield sent
    finally:
        realtime.bind_hub(None)


async def _messages(listener: PubSub, count: int, wait: float = 5) -> list[tuple[str, str]]:
    """The next `count` events (channel, data); fewer when `wait` seconds pass first."""
    got: list[tuple[str, str]] = []
    deadline = asyncio.get_running_loop().time() + wait
    while len(got) < count and asyncio.get_running_loop().time() < deadline:
        # None also stands for a skipped subscribe confirmation: keep reading.
        message = await listener.get_message(ignore_subscribe_messages=True, timeout=0.2)
        if message is not None:
            got.append((message["channel"].decode(), message["data"].decode()))
    return got


async def test_a_placed_orders_four_events_are_one_redis_call_in_order(
    db: Engine, redis_url: str, redis_hub: collections.Counter[str]
) -> None:
    store = await make_store(BEIJING)
    first, second = (await make_product(prices=(1000, 2000)))["variant_ids"]
    await stock(store, first, 5)
    await stock(store, second, 5)
    buyer = await make_user()
    listener = Redis.from_url(redis_url).pubsub()
    await listener.psubscribe("stock:*", "location:*", "order:*")
    try:
        # The first call of a process may also load the script (NOSCRIPT, SCRIPT LOAD).
        await make_order(buyer.id, [(first, 1)], location_id=store)
        assert len(await _messages(listener, 3)) == 3
        redis_hub.clear()
        order = await make_order(buyer.id, [(first, 1), (second, 2)], location_id=store)
        script_calls = redis_hub["EVALSHA"] + redis_hub["EVAL"]
        assert script_calls == 1, dict(redis_hub)
        assert redis_hub["PUBLISH"] == 0
        got = await _messages(listener, 4)
    finally:
        await listener.aclose()
    assert [channel for channel, _ in got] == [
        f"location:{store}",
        f"stock:{first}",
        f"stock:{second}",
        f"order:{order.id}",
    ]
    assert '"available":3' in got[1][1] and '"available":3' in got[2][1]
    assert '"kind":"placed"' in got[3][1]


async def test_a_refused_order_publishes_nothing(
    db: Engine, redis_url: str, redis_hub: collections.Counter[str]
) -> None:
    store = await make_store(BEIJING)
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 1)
    buyer = await make_user()
    listener = Redis.from_url(redis_url).pubsub()
    await listener.psubscribe("stock:*", "location:*", "order:*")
    try:
        redis_hub.clear()
        with pytest.raises(OutOfStock):
            await make_order(buyer.id, [(variant, 2)], location_id=store)
        assert redis_hub["EVALSHA"] + redis_hub["EVAL"] + redis_hub["PUBLISH"] == 0
        assert await _messages(listener, 1, wait=1) == []
    finally:
        await listener.aclose()
