"""Atomic windowed counters in a Litestar store, the one primitive behind every attempt limit.

`add` changes a counter and returns its new value in one step, so parallel requests can
never all read the same old count (a read-then-write limit lets 60 parallel guesses through).
On Redis this is one Lua script (atomic across all app processes); on the in-process stores
(memory, files) a lock per store serialises the read and the write within this process.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from litestar.stores.base import Store
from litestar.stores.redis import RedisStore

#: INCRBY, and start the window's expiry when the key is new (or has none).
_REDIS_ADD = """
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    ttl = tonumber(ARGV[2])
end
return {value, ttl}
"""

#: One lock per store and event loop (stores such as MemoryStore take no weak references).
_locks: dict[tuple[int, int], asyncio.Lock] = {}


@dataclass(frozen=True)
class Count:
    """A counter's value after a change, and the seconds left in its window."""

    value: int
    expires_in: int


def _lock_of(store: Store) -> asyncio.Lock:
    key = (id(store), id(asyncio.get_running_loop()))
    lock = _locks.get(key)
    if lock is None:
        lock = _locks[key] = asyncio.Lock()
    return lock


async def add(store: Store, key: str, amount: int, window_s: int) -> Count:
    """Add `amount` (may be negative) to the counter `key`, atomically.

    The window starts with the first change and is not extended by later ones.
    """
    if isinstance(store, RedisStore):
        script = store._redis.register_script(_REDIS_ADD)
        value, ttl = await script(keys=[store._make_key(key)], args=[amount, window_s])
        return Count(int(value), int(ttl))
    async with _lock_of(store):
        raw = await store.get(key)
        remaining = await store.expires_in(key) if raw is not None else None
        value = (int(raw) if raw else 0) + amount
        expires_in = remaining if remaining and remaining > 0 else window_s
        await store.set(key, str(value), expires_in=expires_in)
        return Count(value, expires_in)


async def current(store: Store, key: str) -> Count:
    """The counter's value now (0 when unset) and the seconds left in its window."""
    raw = await store.get(key)
    if not raw:
        return Count(0, 0)
    return Count(int(raw), await store.expires_in(key) or 0)
