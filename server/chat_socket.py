"""The consultation websocket: every message said to the signed-in person, live.

A consumer follows their own topic; a supplier's staff their shop's, a store's staff their
stores', an operator the conversations operators joined. Events travel through the realtime
hub (Redis between processes), so a message sent through one app process reaches a socket
held by another.
"""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect

from accounts.access import SIGNED_IN, Me
from consultation.conversations import topics_of, unread_total
from server.socket_relay import relay_of


@websocket("/ws/chat", opt=SIGNED_IN)
async def chat_socket(
    socket: WebSocket[Any, Any, Any], me: Me, channels: NamedDependency[ChannelsPlugin]
) -> None:
    """Hello with the unread total, then each message event of the person's conversations."""
    await socket.accept()
    relay = relay_of(channels)
    async with contextlib.AsyncExitStack() as stack:
        for topic in topics_of(me):
            await stack.enter_async_context(relay.following(topic, socket))
        await socket.send_json({"type": "hello", "unread": await unread_total(me)})
        try:
            while True:
                await socket.receive_data(mode="text")  # pings; disconnect ends the loop
        except WebSocketDisconnect:
            return
