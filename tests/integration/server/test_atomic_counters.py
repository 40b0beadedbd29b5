"""Attempt counters change atomically: parallel increments each see their own count."""

from __future__ import annotations

import asyncio

from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from core.counters import add, current


async def _sixty_at_once(store) -> list[int]:
    counts = await asyncio.gather(*(add(store, "k", 1, 60) for _ in range(60)))
    return sorted(c.value for c in counts)


async def test_parallel_increments_in_memory_are_all_distinct() -> None:
    store = MemoryStore()
    assert await _sixty_at_once(store) == list(range(1, 61))
    assert (await current(store, "k")).value == 60


async def test_parallel_increments_on_redis_are_all_distinct(redis_url: str) -> None:
    store = RedisStore.with_client(url=redis_url, namespace="test-counters")
    await store.delete_all()
    assert await _sixty_at_once(store) == list(range(1, 61))
    left = (await add(store, "k", -1, 60)).expires_in
    assert 0 < left <= 60
    await store.delete_all()
