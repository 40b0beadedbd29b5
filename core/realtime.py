"""The realtime hub: domain services publish events to topics; websockets fan them out.

Topics (DESIGN.md): `stock:{variant_id}` (levels per location), `location:{id}` (a store's
POS queue), `order:{id}` (one order's status). Events are published only after the
transaction that made the change has committed (`publish_after_commit`). With a Redis URL
the Litestar channels plugin uses Redis pub/sub, so every app process behind a load
balancer delivers every event to its own subscribers; without one, an in-memory backend
serves a single process.
"""

from __future__ import annotations

from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend

from core.database import after_commit

#: A slow websocket client may fall this many events behind before old ones are dropped;
#: the client refetches current state on every event, so dropping stale ones loses nothing.
SUBSCRIBER_BACKLOG = 100

_plugin: ChannelsPlugin | None = None


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
    if redis_url:
        from redis.asyncio import Redis

        backend: Any = RedisChannelsPubSubBackend(redis=Redis.from_url(redis_url))
    else:
        backend = MemoryChannelsBackend()
    return ChannelsPlugin(
        backend=backend,
        arbitrary_channels_allowed=True,
        subscriber_max_backlog=SUBSCRIBER_BACKLOG,
        subscriber_backlog_strategy="dropleft",
    )


def bind_hub(plugin: ChannelsPlugin | None) -> None:
    """Connect the hub to the app's channels plugin (None: publishing is a no-op, e.g. CLI)."""
    global _plugin
    _plugin = plugin


def publish(topic: str, event: dict[str, Any]) -> None:
    """Send `event` to every subscriber of `topic`, in this process and (Redis) all others."""
    if _plugin is not None:
        _plugin.publish(event, channels=[topic])


async def publish_after_commit(topic: str, event: dict[str, Any]) -> None:
    """Publish once the current write transaction commits; never for a rolled-back change."""

    async def send() -> None:
        publish(topic, event)

    await after_commit(send)
