"""Within one request each cache version is read once, the catalog's with the first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from core import versions


class CountingRedis:
    """Redis with a count of the commands sent (wraps the client `RedisVersions` uses)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.commands: list[str] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.commands.append(name)
            return await method(*args, **kwargs)

        return counted


@pytest.fixture
async def redis_versions(redis_url: str) -> AsyncIterator[CountingRedis]:
    versions.configure(redis_url)
    counting = CountingRedis(versions._versions._redis)  # type: ignore[union-attr]
    versions._versions._redis = counting  # type: ignore[union-attr]
    yield counting
    await versions.close()
    versions.configure("")


async def test_the_first_read_of_a_request_fetches_the_catalog_too(
    redis_versions: CountingRedis,
) -> None:
    versions.read_with_first_read("catalog")
    with versions.request_scope():
        user = await versions.current("user:7")
        catalog = await versions.current("catalog")
        assert (user, await versions.current("user:7")) == (user, user)

    assert redis_versions.commands == ["mget"]
    assert catalog == await versions.current("catalog")  # outside a request: asked again
    assert redis_versions.commands == ["mget", "get"]


async def test_another_process_s_change_shows_from_the_next_request(
    redis_versions: CountingRedis, redis_url: str
) -> None:
    elsewhere = Redis.from_url(redis_url)
    with versions.request_scope():
        before = await versions.current("user:8")
        await elsewhere.incr("kuaiqu:version:user:8")
        assert await versions.current("user:8") == before  # as when this request began
    with versions.request_scope():
        assert await versions.current("user:8") == before + 1
    await elsewhere.aclose()


async def test_a_request_sees_its_own_change(redis_versions: CountingRedis) -> None:
    with versions.request_scope():
        before = await versions.current("user:9")
        await versions.bump("user:9")
        assert await versions.current("user:9") == before + 1


async def test_requests_side_by_side_keep_their_own_readings() -> None:
    versions.configure("")
    a_has_read, b_is_done = asyncio.Event(), asyncio.Event()

    async def request_a() -> list[int]:
        with versions.request_scope():
            seen = [await versions.current("user:10")]
            a_has_read.set()
            await b_is_done.wait()
            return [*seen, await versions.current("user:10")]

    async def request_b() -> int:
        await a_has_read.wait()
        with versions.request_scope():
            await versions.bump("user:10")
            b_is_done.set()
            return await versions.current("user:10")

    assert await asyncio.gather(request_a(), request_b()) == [[0, 0], 1]
    with versions.request_scope():
        assert await versions.current("user:10") == 1
