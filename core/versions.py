"""Version counters that say when a cached copy went stale, shared by every process.

A cache keeps each entry with the version of its key at the time it was loaded and uses it
only while the version is unchanged; a change bumps the version (after its commit). The
counters live in Redis when configured, so a change made through one process reaches every
process on its next request, and otherwise in this process's memory (one process).
"""

from __future__ import annotations

from typing import Any

_REDIS_KEY = "kuaiqu:version:{key}"


class MemoryVersions:
    """Counters in this process (one process, no Redis)."""

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}

    async def current(self, key: str) -> int:
        """The version of `key` now."""
        return self._versions.get(key, 0)

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

    async def bump(self, key: str) -> None:
        """Make every cached copy under `key` stale."""
        await self._redis.incr(_REDIS_KEY.format(key=key))

    async def close(self) -> None:
        """Close the connections to Redis."""
        await self._redis.aclose()


_versions: MemoryVersions | RedisVersions = MemoryVersions()
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


async def current(key: str) -> int:
    """The version of `key` now."""
    return await _versions.current(key)


async def bump(key: str) -> None:
    """Make every process's cached copies under `key` stale."""
    await _versions.bump(key)
