"""Hand an already-encoded websocket frame straight to a uvicorn connection's transport.

Sending one event to 10,000 sockets through ASGI encodes the same text into a frame 10,000
times and runs every socket's send through a stack of awaited wrappers (Litestar's
connection-state check, the `before_send` hook, uvicorn's `await writable.wait()`, the
websockets protocol's frame builder). The relay instead encodes the frame once
(`text_frame`) and, for a connection served by uvicorn's websockets-sansio protocol (the one
uvicorn picks by default when the websockets package is installed), writes those bytes to the
connection's transport directly, synchronously, while that transport is below its high-water
mark (`DirectWriter.write`). Whole frames are written in one call, so they never interleave
with the protocol's own frames (pings, pongs, the close frame).

The wrappers skipped act on HTTP messages only (security headers on `http.response.start`,
session and CSRF cookies) or refuse sends after a disconnect, which `write` checks itself.
A connection served by anything else (another uvicorn websocket implementation, the test
client) gets no `DirectWriter`, and the relay sends to it through ASGI as before.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State

#: How many wrappers around uvicorn's send the search unwraps before giving up.
_MAX_WRAPPERS = 16


def text_frame(payload: bytes) -> bytes:
    """One complete, unmasked (server → client) text frame carrying UTF-8 `payload`."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False)


class DirectWriter:
    """Writes pre-encoded frames to one uvicorn websockets-sansio connection's transport."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    def write(self, frame: bytes) -> bool:
        """Write `frame` now if the connection is open and its buffer below the high-water mark.

        False (nothing written) when the client is not keeping up (the transport paused
        writing) or the connection is closing or gone; the caller then goes the slow way.
        """
        protocol = self._protocol
        if (
            protocol.writable.is_set()
            and protocol.handshake_complete
            and not protocol.close_sent
            and not protocol.disconnected
            and protocol.initial_response is None
            and protocol.conn.state is State.OPEN
            and not protocol.transport.is_closing()
        ):
            protocol.transport.write(frame)
            return True
        return False

    def abort(self) -> None:
        """Drop the connection at once (for a client that stopped reading)."""
        self._protocol.transport.abort()


def direct_writer(send: Any) -> DirectWriter | None:
    """A `DirectWriter` for the uvicorn connection behind the ASGI `send`, if there is one.

    `send` is the app's send callable: uvicorn's protocol method wrapped by closures that
    each call the callable they hold in a free variable named `send`, or the `send` of the
    connection they hold in one named `connection` (the conventions of Litestar's wrappers
    and middleware). Anything else yields None.
    """
    for _ in range(_MAX_WRAPPERS):
        owner = getattr(send, "__self__", None)
        if isinstance(owner, WebSocketsSansIOProtocol):
            return DirectWriter(owner)
        code = getattr(send, "__code__", None)
        closure = getattr(send, "__closure__", None)
        if code is None or not closure:
            return None
        names = code.co_freevars
        if "send" in names:
            send = closure[names.index("send")].cell_contents
        elif "connection" in names:
            send = getattr(closure[names.index("connection")].cell_contents, "send", None)
        else:
            return None
    return None
