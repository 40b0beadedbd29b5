"""One subscription and one sender per topic, however many websockets of this process follow it.

Litestar's way (`subscriber.run_in_background(socket.send_data)` per socket) gives every
socket its own channels subscriber, queue and task: an event on a topic with 10,000
followers became 10,000 queue puts, 10,000 task wake-ups and 10,000 decodes of the same
bytes before the first frame was written. Here a topic has one subscriber in this process
and one task that encodes the event into a websocket frame once and hands the same bytes to
every follower's transport without awaiting (server/frame_writer.py), yielding to the event
loop once per `BATCH` followers rather than once per socket, so requests keep being served
during a large fan-out.

A follower whose transport is above its high-water mark (its client is not reading fast
enough), or whose connection is not one the direct writer knows, gets the event through
ASGI instead, by its own drain task, and every later event queues behind it until its queue
is empty: each follower gets every event in order, and a slow one never holds up the
others. A queued send gets `SEND_TIMEOUT_S`; a follower that misses it, or whose queue
reaches `MAX_QUEUED` events, is dropped (closed in the background): clients refetch current
state on reconnect, so it loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from litestar import WebSocket
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.types import WebSocketSendEvent

from server.frame_writer import DirectWriter, direct_writer, text_frame

log = logging.getLogger(__name__)
#: Seconds one queued send to a slow follower may wait before that follower is dropped.
SEND_TIMEOUT_S = 2.0
#: Events a slow follower may have queued before it is dropped (bounds its memory).
MAX_QUEUED = 256
#: Followers written to between two yields to the event loop.
BATCH = 500


class _Follower:
    """One websocket following a topic, and its queue of events while it is slow."""

    __slots__ = ("drain", "gone", "queued", "socket", "writer")

    def __init__(self, socket: WebSocket[Any, Any, Any]) -> None:
        self.socket = socket
        self.writer: DirectWriter | None = direct_writer(socket.send)
        #: Events waiting for this follower, in order; while non-empty every event queues.
        self.queued: deque[WebSocketSendEvent] = deque()
        self.drain: asyncio.Task[None] | None = None
        self.gone = False


class TopicRelay:
    """The websockets of this process per topic, fed by one subscription per topic."""

    def __init__(self, channels: ChannelsPlugin) -> None:
        self._channels = channels
        self._followers: dict[str, dict[WebSocket[Any, Any, Any], _Follower]] = {}
        self._senders: dict[str, asyncio.Task[None]] = {}
        self._closing: set[asyncio.Task[None]] = set()
        #: Events that went to a follower by its queue (slow, or no direct writer) so far.
        self.queued_sends = 0
        #: Held while a topic's subscription is made, so two first followers make one.
        self._subscribing = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def following(self, topic: str, socket: WebSocket[Any, Any, Any]) -> AsyncIterator[None]:
        """Deliver `topic`'s events to `socket` while inside (subscribed on entry)."""
        followers = self._followers.setdefault(topic, {})
        follower = followers[socket] = _Follower(socket)
        async with self._subscribing:
            if topic not in self._senders:
                subscriber = await self._channels.subscribe([topic])
                self._senders[topic] = asyncio.create_task(
                    self._send_all(topic, subscriber), name=f"kuaiqu-relay-{topic}"
                )
        try:
            yield
        finally:
            follower.gone = True
            if follower.drain is not None:
                follower.drain.cancel()
            if followers.get(socket) is follower:
                del followers[socket]
            if not followers and self._followers.get(topic) is followers:
                del self._followers[topic]
                sender = self._senders.pop(topic, None)
                if sender is not None:
                    sender.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sender

    def followers(self, topic: str) -> tuple[int, int]:
        """How many sockets of this process follow `topic`, and how many get direct writes."""
        followers = self._followers.get(topic, {}).values()
        return len(followers), sum(f.writer is not None for f in followers)

    async def _send_all(self, topic: str, subscriber: Subscriber) -> None:
        try:
            async for event in subscriber.iter_events():
                await self._fan_out(topic, event)
        finally:
            await self._channels.unsubscribe(subscriber)

    async def _fan_out(self, topic: str, event: bytes) -> None:
        """Write `event` to every follower of `topic`: directly, or queued behind its backlog."""
        message: WebSocketSendEvent = {
            "type": "websocket.send",
            "text": event.decode(),
            "bytes": None,
        }
        frame = text_frame(event)
        followers = list(self._followers.get(topic, {}).values())
        for start in range(0, len(followers), BATCH):
            if start:
                await asyncio.sleep(0)  # let the loop breathe between batches
            for follower in followers[start : start + BATCH]:
                if follower.gone:
                    continue
                writer = follower.writer
                if not follower.queued and writer is not None and writer.write(frame):
                    continue
                self._queue(topic, follower, message)

    def _queue(self, topic: str, follower: _Follower, message: WebSocketSendEvent) -> None:
        if len(follower.queued) >= MAX_QUEUED:
            self._drop(topic, follower)
            return
        follower.queued.append(message)
        self.queued_sends += 1
        if follower.drain is None:
            follower.drain = asyncio.create_task(self._drain(topic, follower))

    async def _drain(self, topic: str, follower: _Follower) -> None:
        """Send a follower's queued events through ASGI, in order, each within the timeout."""
        try:
            while follower.queued and not follower.gone:
                async with asyncio.timeout(SEND_TIMEOUT_S):
                    await follower.socket.send(follower.queued[0])
                follower.queued.popleft()
        except asyncio.CancelledError:
            raise
        except Exception:  # gone, or not reading: stop writing to it
            follower.drain = None
            self._drop(topic, follower)
        else:
            follower.drain = None

    def _drop(self, topic: str, follower: _Follower) -> None:
        follower.gone = True
        follower.queued.clear()
        if follower.drain is not None and follower.drain is not asyncio.current_task():
            follower.drain.cancel()
        followers = self._followers.get(topic, {})
        if followers.get(follower.socket) is follower:
            del followers[follower.socket]
        closing = asyncio.create_task(_close_quietly(follower))
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)


async def _close_quietly(follower: _Follower) -> None:
    """Close a dropped follower's socket; abort its connection if even that cannot be sent."""
    try:
        async with asyncio.timeout(SEND_TIMEOUT_S):
            await follower.socket.close()
    except Exception:
        if follower.writer is not None:
            follower.writer.abort()


_relays: weakref.WeakKeyDictionary[ChannelsPlugin, TopicRelay] = weakref.WeakKeyDictionary()


def relay_of(channels: ChannelsPlugin) -> TopicRelay:
    """The relay of an app's channels plugin (one per app)."""
    relay = _relays.get(channels)
    if relay is None:
        relay = _relays[channels] = TopicRelay(channels)
    return relay
