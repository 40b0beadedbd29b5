"""One subscription and one sender per topic, however many websockets of this process follow it.

Litestar's way (`subscriber.run_in_background(socket.send_data)` per socket) gives every
socket its own channels subscriber, queue and task: an event on a topic with 10,000
followers became 10,000 queue puts, 10,000 task wake-ups and 10,000 decodes of the same
bytes before the first frame was written. Here a topic has one subscriber in this process
and one task that decodes the event once and writes the same message to every socket in
turn. A write normally completes at once (the transport buffers it); a socket whose
client stopped reading long enough for its buffer to fill would make the loop wait, so a
write gets `SEND_TIMEOUT_S` and a socket that misses it is dropped (closed in the
background): clients refetch current state on reconnect, so it loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator
from typing import Any

from litestar import WebSocket
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.types import WebSocketSendEvent

log = logging.getLogger(__name__)
#: Seconds one socket's write may wait for its buffer before that socket is dropped.
SEND_TIMEOUT_S = 2.0


class TopicRelay:
    """The websockets of this process per topic, fed by one subscription per topic."""

    def __init__(self, channels: ChannelsPlugin) -> None:
        self._channels = channels
        self._sockets: dict[str, dict[WebSocket[Any, Any, Any], None]] = {}
        self._senders: dict[str, asyncio.Task[None]] = {}
        self._closing: set[asyncio.Task[None]] = set()
        #: Held while a topic's subscription is made, so two first followers make one.
        self._subscribing = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def following(self, topic: str, socket: WebSocket[Any, Any, Any]) -> AsyncIterator[None]:
        """Deliver `topic`'s events to `socket` while inside (subscribed on entry)."""
        sockets = self._sockets.setdefault(topic, {})
        sockets[socket] = None
        async with self._subscribing:
            if topic not in self._senders:
                subscriber = await self._channels.subscribe([topic])
                self._senders[topic] = asyncio.create_task(
                    self._send_all(topic, subscriber), name=f"kuaiqu-relay-{topic}"
                )
        try:
            yield
        finally:
            sockets.pop(socket, None)
            if not sockets and self._sockets.get(topic) is sockets:
                del self._sockets[topic]
                sender = self._senders.pop(topic, None)
                if sender is not None:
                    sender.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sender

    async def _send_all(self, topic: str, subscriber: Subscriber) -> None:
        try:
            async for event in subscriber.iter_events():
                message: WebSocketSendEvent = {
                    "type": "websocket.send",
                    "text": event.decode(),
                    "bytes": None,
                }
                for socket in list(self._sockets.get(topic, ())):
                    try:
                        async with asyncio.timeout(SEND_TIMEOUT_S):
                            await socket.send(message)
                    except Exception:  # gone, or not reading: stop writing to it
                        self._drop(topic, socket)
        finally:
            await self._channels.unsubscribe(subscriber)

    def _drop(self, topic: str, socket: WebSocket[Any, Any, Any]) -> None:
        self._sockets.get(topic, {}).pop(socket, None)
        closing = asyncio.create_task(_close_quietly(socket))
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)


async def _close_quietly(socket: WebSocket[Any, Any, Any]) -> None:
    with contextlib.suppress(Exception):
        async with asyncio.timeout(SEND_TIMEOUT_S):
            await socket.close()


_relays: weakref.WeakKeyDictionary[ChannelsPlugin, TopicRelay] = weakref.WeakKeyDictionary()


def relay_of(channels: ChannelsPlugin) -> TopicRelay:
    """The relay of an app's channels plugin (one per app)."""
    relay = _relays.get(channels)
    if relay is None:
        relay = _relays[channels] = TopicRelay(channels)
    return relay
