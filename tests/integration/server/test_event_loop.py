"""The serving loop accepts every waiting connection at once, and serves them like uvloop."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable, Coroutine
from typing import Any

import uvloop

from server.event_loop import AcceptAllLoop


class Echo(asyncio.Protocol):
    """Counts the connections made; echoes what it receives, closes on b"bye"."""

    connected = 0
    #: Set when `connected` reaches `expected`.
    expected = 0
    all_connected: asyncio.Event

    def connection_made(self, transport: Any) -> None:  # uvloop's, not asyncio.Transport
        Echo.connected += 1
        if Echo.connected == Echo.expected:
            Echo.all_connected.set()
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)
        if data == b"bye":
            self.transport.close()


def run_on(
    loop_factory: Callable[[], asyncio.AbstractEventLoop], main: Coroutine[Any, Any, Any]
) -> Any:
    Echo.connected = 0
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(main)


async def turns_to_accept(newcomers: int) -> int:
    """Loop turns, each busy for 2 ms, until `newcomers` connections opened at once are made."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", 0, backlog=200)
    port = server.sockets[0].getsockname()[1]
    turns = 0
    busy = True

    def a_busy_turn() -> None:
        nonlocal turns
        turns += 1
        time.sleep(0.002)  # requests already being served
        if busy:
            loop.call_soon(a_busy_turn)

    Echo.expected, Echo.all_connected = newcomers, asyncio.Event()
    loop.call_soon(a_busy_turn)
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(newcomers)]
    started = turns
    try:
        await Echo.all_connected.wait()
        return turns - started
    finally:
        busy = False
        server.close()
        await server.wait_closed()
        for client in clients:
            client.close()


def test_fifty_newcomers_are_served_within_a_few_busy_turns() -> None:
    assert run_on(AcceptAllLoop, turns_to_accept(50)) <= 3


def test_plain_uvloop_would_serve_them_one_per_turn() -> None:
    # What the loop mends: without it the 50th newcomer waits 50 busy turns.
    assert run_on(uvloop.Loop, turns_to_accept(50)) >= 40


async def echo_round_trips(rounds: int) -> tuple[list[bytes], int, int]:
    """Connect, echo and hang up `rounds` times: the replies, open descriptors before/after."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    before = len(os.listdir("/proc/self/fd"))
    replies = []
    for _ in range(rounds):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"bye")
        replies.append(await reader.read(10))
        writer.close()
        await writer.wait_closed()
    await asyncio.sleep(0.05)
    after = len(os.listdir("/proc/self/fd"))
    server.close()
    await server.wait_closed()
    return replies, before, after


def test_connections_are_served_and_their_descriptors_released() -> None:
    replies, before, after = run_on(AcceptAllLoop, echo_round_trips(200))

    assert replies == [b"bye"] * 200
    assert after <= before + 1


async def connect_after_close() -> bool:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    try:
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError:
        return False
    writer.close()
    return True


def test_a_closed_server_accepts_no_one() -> None:
    assert run_on(AcceptAllLoop, connect_after_close()) is False
