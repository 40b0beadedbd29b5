"""The realtime hub: domain services publish events to topics; websockets fan them out.

Topics (DESIGN.md): `stock:{variant_id}` (levels per location), `location:{id}` (a store's
POS queue), `order:{id}` (one order's status). Events are published only after the
transaction that made the change has committed (`publish_after_commit`), all the events of
one transaction together: with Redis in ONE round trip (one script call publishing each
event to its channel), so placing an order costs one Redis call, not one per event. With a
Redis URL the Litestar channels plugin uses Redis pub/sub, so every app process behind a
load balancer delivers every event to its own subscribers; without one, an in-memory
backend serves a single process.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend

from core.database import after_commit, pending_after_commit

#: A slow websocket client may fall this many events behind before old ones are dropped;
#: the client refetches current state on every event, so dropping stale ones loses nothing.
SUBSCRIBER_BACKLOG = 100

#: PUBLISH each ARGV[i] to KEYS[i], in order, in one call.
_PUBLISH_EACH = """
for i, channel in ipairs(KEYS) do
    redis.call("PUBLISH", channel, ARGV[i])
end
"""

log = logging.getLogger(__name__)

_plugin: ChannelsPlugin | None = None


class _RedisBackend(RedisChannelsPubSubBackend):
    """Litestar's Redis pub/sub backend that can also publish several events in one call."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._publish_each = self._redis.register_script(_PUBLISH_EACH)

    async def publish_each(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """Publish every (channel, data) in order, in one round trip."""
        await self._publish_each(
            keys=[channel for channel, _ in messages], args=[data for _, data in messages]
        )


#: The batching backend of each plugin made here (None: in-memory, one process).
_redis_backends: weakref.WeakKeyDictionary[ChannelsPlugin, _RedisBackend] = (
    weakref.WeakKeyDictionary()
)


def stock_topic(variant_id: int) -> str:
    """Topic of one variant's stock levels."""
    return f"stock:{variant_id}"


def location_topic(location_id: int) -> str:
    """Topic of a store's pickup queue."""
    return f"location:{location_id}"


def order_topic(order_id: int) -> str:
    """Topic of one order's status."""
    return f"order:{order_id}"


def make_channels_plugin(redis_url: str) -> ChannelsPlugin:
    """Redis pub/sub when a URL is given (several processes), else in-memory (one process)."""
    backend: Any
    if redis_url:
        from redis.asyncio import Redis

        backend = _RedisBackend(redis=Redis.from_url(redis_url))
    else:
        backend = MemoryChannelsBackend()
    plugin = ChannelsPlugin(
        backend=backend,
        arbitrary_channels_allowed=True,
        subscriber_max_backlog=SUBSCRIBER_BACKLOG,
        subscriber_backlog_strategy="dropleft",
    )
    if isinstance(backend, _RedisBackend):
        _redis_backends[plugin] = backend
    return plugin


def bind_hub(plugin: ChannelsPlugin | None) -> None:
    """Connect the hub to the app's channels plugin (None: publishing is a no-op, e.g. CLI)."""
    global _plugin
    _plugin = plugin


def publish(topic: str, event: dict[str, Any]) -> None:
    """Send `event` to every subscriber of `topic`, in this process and (Redis) all others."""
    if _plugin is not None:
        _plugin.publish(event, channels=[topic])


async def publish_all(events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Send each (topic, event) in order: with Redis in one round trip, else one by one.

    A Redis failure is logged, not raised: the change it announces has committed, and every
    live page refetches current state when its socket reconnects.
    """
    plugin = _plugin
    backend = _redis_backends.get(plugin) if plugin is not None else None
    if plugin is None or backend is None:
        for topic, event in events:
            publish(topic, event)
        return
    try:
        await backend.publish_each([(topic, plugin.encode_data(event)) for topic, event in events])
    except Exception:
        log.exception("Could not publish %d realtime events", len(events))


class _Batch:
    """The events of one transaction, sent together once it commits."""

    __slots__ = ("events",)

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self) -> None:
        await publish_all(self.events)


async def publish_after_commit(topic: str, event: dict[str, Any]) -> None:
    """Publish once the current write transaction commits; never for a rolled-back change.

    The events of one transaction go out together, in the order they were published,
    after any other after-commit work registered before them.
    """
    pending = pending_after_commit()
    if pending and isinstance(pending[-1], _Batch):
        pending[-1].events.append((topic, event))
        return
    batch = _Batch()
    batch.events.append((topic, event))
    await after_commit(batch)
