"""The realtime hub: domain services publish events to topics; websockets fan them out.

Topics (DESIGN.md): `stock:{variant_id}` (levels per location), `location:{id}` (a store's
POS queue), `order:{id}` (one order's status). Events are published only after the
transaction that made the change has committed (`publish_after_commit`).
"""

from __future__ import annotations

from typing import Any

from litestar.channels import ChannelsPlugin

from server.database import after_commit

_plugin: ChannelsPlugin | None = None


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
