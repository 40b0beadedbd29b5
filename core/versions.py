"""Version counters that say when a cached copy went stale, shared by every process.

A cache keeps each entry with the version of its key at the time it was loaded and uses it
only while the version is unchanged; a change bumps the version (after its commit). The
counters live in Redis when configured, so a change made through one process reaches every
process on its next request, and otherwise in this process's memory (one process).

Within one HTTP request (`request_scope`, entered by the server for every request) each
version is read once: the first read also fetches every key registered with
`read_with_first_read` (the catalog's, which nearly every page and order reads), in one
Redis round trip. A request thus sees the versions as they were when it first asked, as if
it had run a moment earlier; its own changes (`bump`) are read afresh.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_REDIS_KEY = "kuaiqu:version:{key}"


class MemoryVersions:
    """Counters in this process (one process, no Redis)."""

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}

    async def current(self, key: str) -> int:
        """The version of `key` now."""
        return self._versions.get(key, 0)

    async def current_many(self, keys: Sequence[str]) -> list[int]:
        """The versions of `keys` now, in order."""
        return [self._versions.get(key, 0) for key in keys]

    async def bump(self, key: str) -> None:
        """Make every cached copy under `key` stale."""
        self._versions[key] = self._versions.get(key, 0) + 1

    async def close(self) -> None:
        """Nothing to release."""


class RedisVersions:
    """Counters in Redis, shared by every process."""

    def __init__(self, redis_url: str) -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(redis_url)

    async def current(self, key: str) -> int:
        """The version of `key` now."""
        value = await self._redis.get(_REDIS_KEY.format(key=key))
        return int(value) if value else 0

    async def current_many(self, keys: Sequence[str]) -> list[int]:
        """The versions of `keys` now, in order, in one round trip."""
        values = await self._redis.mget([_REDIS_KEY.format(key=key) for key in keys])
        return [int(value) if value else 0 for value in values]

    async def bump(self, key: str) -> None:
        """Make every cached copy under `key` stale."""
        await self._redis.incr(_REDIS_KEY.format(key=key))

    async def close(self) -> None:
        """Close the connections to Redis."""
        await self._redis.aclose()


_versions: MemoryVersions | RedisVersions = MemoryVersions()
#: The versions this request has read (None outside a request scope: every read asks).
_read_this_request: ContextVar[dict[str, int] | None] = ContextVar(
    "kuaiqu_versions_read_this_request", default=None
)
#: Keys fetched along with a request's first read.
_read_together: list[str] = []
#: Called by `configure`: caches drop every entry when the app (re)starts.
_resets: list[Any] = []


def on_configure(reset: Any) -> None:
    """Have `reset()` called whenever the counters are configured (a cache's clear)."""
    _resets.append(reset)


def reset_caches() -> None:
    """Empty every cache that registered a reset (e.g. after a test empties the database)."""
    for reset in _resets:
        reset()


def configure(redis_url: str) -> None:
    """Use Redis counters when configured, else fresh memory ones; empty every cache."""
    global _versions
    _versions = RedisVersions(redis_url) if redis_url else MemoryVersions()
    for reset in _resets:
        reset()


async def close() -> None:
    """Release the counters' connections (at app shutdown)."""
    await _versions.close()


def read_with_first_read(key: str) -> None:
    """Have a request's first version read fetch `key` too (a key most requests read)."""
    if key not in _read_together:
        _read_together.append(key)


@contextmanager
def request_scope() -> Iterator[None]:
    """Within the block, read each version once (see the module's docstring)."""
    token = _read_this_request.set({})
    try:
        yield
    finally:
        _read_this_request.reset(token)


async def current(key: str) -> int:
    """The version of `key` now (in a request scope: when this request first asked)."""
    read = _read_this_request.get()
    if read is None:
        return await _versions.current(key)
    if key not in read:
        keys = [key, *(k for k in _read_together if k != key and k not in read)]
        read.update(zip(keys, await _versions.current_many(keys), strict=True))
    return read[key]


async def bump(key: str) -> None:
    """Make every process's cached copies under `key` stale."""
    await _versions.bump(key)
    read = _read_this_request.get()
    if read is not None:
        read.pop(key, None)
