"""The logged-in account with its store scopes, cached and dropped at once when it changes.

Every account has a version number, kept in Redis when configured (so a change made through
one process reaches every process on its next request) and otherwise in this process's
memory. A cached account is used only while its version is unchanged; logging out, a role
change and a scope change bump the version. A request then costs one version read (a Redis
GET, or a dict look-up) instead of the account row and its store rows.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Protocol

from accounts.roles import CurrentUser

#: Accounts kept per process; the least recently used one is dropped beyond this.
MAX_CACHED_USERS = 10_000
_REDIS_KEY = "kuaiqu:user-version:{user_id}"


class Versions(Protocol):
    """Where the accounts' version numbers live."""

    async def current(self, user_id: int) -> int:
        """The account's version now."""

    async def bump(self, user_id: int) -> None:
        """Make every cached copy of the account stale."""


class MemoryVersions:
    """Versions in this process (one process, no Redis)."""

    def __init__(self) -> None:
        self._versions: dict[int, int] = {}

    async def current(self, user_id: int) -> int:
        """The account's version now."""
        return self._versions.get(user_id, 0)

    async def bump(self, user_id: int) -> None:
        """Make every cached copy of the account stale."""
        self._versions[user_id] = self._versions.get(user_id, 0) + 1


class RedisVersions:
    """Versions in Redis, shared by every process."""

    def __init__(self, redis_url: str) -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(redis_url)

    async def current(self, user_id: int) -> int:
        """The account's version now."""
        value = await self._redis.get(_REDIS_KEY.format(user_id=user_id))
        return int(value) if value else 0

    async def bump(self, user_id: int) -> None:
        """Make every cached copy of the account stale."""
        await self._redis.incr(_REDIS_KEY.format(user_id=user_id))

    async def close(self) -> None:
        """Close the connections to Redis."""
        await self._redis.aclose()


class UserCache:
    """Accounts by id, each kept with the version it was loaded at."""

    def __init__(self, versions: Versions) -> None:
        self.versions = versions
        self._entries: OrderedDict[int, tuple[int, CurrentUser | None]] = OrderedDict()

    async def get(self, user_id: int) -> CurrentUser | None:
        """The account (None when gone or disabled), from the cache while it is current."""
        version = await self.versions.current(user_id)
        entry = self._entries.get(user_id)
        if entry is not None and entry[0] == version:
            self._entries.move_to_end(user_id)
            return entry[1]
        from accounts.users import load_user  # users imports this module to invalidate

        # Read the version before the row: a change committed meanwhile bumps it again,
        # so the next request reloads rather than keeping a stale copy.
        user = await load_user(user_id)
        self._entries[user_id] = (version, user)
        if len(self._entries) > MAX_CACHED_USERS:
            self._entries.popitem(last=False)
        return user

    async def invalidate(self, user_id: int) -> None:
        """Drop every process's copy of the account (after its change is committed)."""
        self._entries.pop(user_id, None)
        await self.versions.bump(user_id)


_cache = UserCache(MemoryVersions())


def configure(redis_url: str) -> None:
    """Start an empty cache for this app: versions in Redis when configured, else memory."""
    global _cache
    _cache = UserCache(RedisVersions(redis_url) if redis_url else MemoryVersions())


async def close() -> None:
    """Release the cache's Redis connections (at app shutdown)."""
    if isinstance(_cache.versions, RedisVersions):
        await _cache.versions.close()


async def cached_user(user_id: int) -> CurrentUser | None:
    """The account behind a session, from the cache while it is current."""
    return await _cache.get(user_id)


async def invalidate(user_id: int) -> None:
    """Make the account be read again on its next request, in every process."""
    await _cache.invalidate(user_id)
