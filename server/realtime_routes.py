"""Websocket endpoints of the realtime hub: subscribe to a topic, get a snapshot, then events.

Each connection first receives `{"type": "hello", "topic": …}`; clients refetch current
state on it (and on every reconnect), so nothing changed while they were away is missed.
"""

from __future__ import annotations

from typing import Any

from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from accounts.access import ANYONE, SIGNED_IN, STAFF_HERE, Me
from core.realtime import location_topic, order_topic, stock_topic
from fulfilment.orders import customer_order
from locations.stock import available_quantities
from server.socket_relay import relay_of


async def _relay(
    socket: WebSocket[Any, Any, Any], channels: ChannelsPlugin, topic: str, hello: dict
) -> None:
    """Accept, greet with current state, then forward the topic's events until disconnect."""
    await socket.accept()
    # Subscribed before the hello, so no event after the snapshot is missed; one sender per
    # topic writes each event to every follower (server/socket_relay.py).
    async with relay_of(channels).following(topic, socket):
        await socket.send_json({"type": "hello", "topic": topic, **hello})
        try:
            while True:
                await socket.receive_data(mode="text")  # pings; disconnect ends the loop
        except WebSocketDisconnect:
            return


@websocket("/ws/stock/{variant_id:int}", opt=ANYONE)
async def stock_socket(
    socket: WebSocket[Any, Any, Any],
    channels: NamedDependency[ChannelsPlugin],
    variant_id: FromPath[int],
) -> None:
    """Live stock of one variant at every location (public: stock is shown to everyone)."""
    levels = await available_quantities([variant_id])
    snapshot = [
        {"location_id": location_id, "available": max(0, available)}
        for (location_id, _), available in sorted(levels.items())
    ]
    await _relay(
        socket,
        channels,
        stock_topic(variant_id),
        {"variant_id": variant_id, "levels": snapshot},
    )


@websocket("/ws/orders/{order_id:int}", opt=SIGNED_IN)
async def order_socket(
    socket: WebSocket[Any, Any, Any],
    me: Me,
    channels: NamedDependency[ChannelsPlugin],
    order_id: FromPath[int],
) -> None:
    """One order's status, for the customer who placed it (others: not found)."""
    order = await customer_order(order_id, me.id)
    await _relay(
        socket, channels, order_topic(order_id), {"order_id": order_id, "status": order.status}
    )


@websocket("/ws/pos/{location_id:int}", opt=STAFF_HERE)
async def pos_socket(
    socket: WebSocket[Any, Any, Any],
    channels: NamedDependency[ChannelsPlugin],
    location_id: FromPath[int],
) -> None:
    """A store's pickup queue events, for its own staff only."""
    await _relay(socket, channels, location_topic(location_id), {"location_id": location_id})
