"""The event loop Kuaiqu serves on: uvloop, accepting every waiting connection at once.

uvloop runs asyncio's callbacks and socket writes in C: on PostgreSQL an order makes a dozen
round trips, and asyncio's own loop spent about a quarter of the process in its Python
transport code (docs/benchmarks.md). But libuv accepts one new connection per loop
iteration, so under load a newcomer waits behind every request ready before it, one
iteration per waiting connection (50 connections opened at once waited up to 0.8 s).

`AcceptAllLoop` is uvloop with its own listener: when a listening socket is readable it
accepts every connection waiting there (up to the listen backlog), as asyncio's loop does,
and hands each to uvloop as an accepted socket. TLS listeners keep uvloop's own server: TLS
is terminated in front of Kuaiqu, and uvloop's path is the one that handles it.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any

import uvloop

logger = logging.getLogger(__name__)

#: Errors of `accept` that mean the process is out of a resource, not that the socket broke:
#: stop accepting for a moment (the connections wait in the backlog) instead of spinning.
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
#: Seconds before accepting again after running out of descriptors (asyncio's own pause).
_PAUSE_WHEN_EXHAUSTED_S = 1.0


class AcceptingServer:
    """Listening sockets that accept all waiting connections each time one is readable.

    Offers what uvicorn uses of `asyncio.Server`: `sockets`, `close`, `wait_closed`.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        listeners: Iterable[socket.socket],
        backlog: int,
    ) -> None:
        self._loop = loop
        self._protocol_factory = protocol_factory
        self._listeners = list(listeners)
        self._backlog = backlog
        self._serving = False
        self._connecting: set[asyncio.Task[Any]] = set()

    @property
    def sockets(self) -> list[socket.socket]:
        """The listening sockets."""
        return list(self._listeners)

    def start_serving(self) -> None:
        """Listen and accept from now on."""
        if self._serving:
            return
        self._serving = True
        for listener in self._listeners:
            listener.setblocking(False)
            listener.listen(self._backlog)
            self._loop.add_reader(listener.fileno(), self._accept_waiting, listener)

    def close(self) -> None:
        """Stop accepting and close the listening sockets (open connections stay)."""
        if not self._listeners:
            return
        self._stop_reading()
        self._serving = False
        for listener in self._listeners:
            listener.close()
        self._listeners = []

    async def wait_closed(self) -> None:
        """Wait until connections being handed over are handed over."""
        if self._connecting:
            await asyncio.gather(*self._connecting, return_exceptions=True)

    def _stop_reading(self) -> None:
        for listener in self._listeners:
            self._loop.remove_reader(listener.fileno())

    def _accept_waiting(self, listener: socket.socket) -> None:
        """Accept every connection waiting on `listener`, up to one backlog's worth."""
        for _ in range(self._backlog):
            try:
                connection, _address = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue  # the client gave up while waiting: nothing to serve
            except OSError as exc:
                if exc.errno not in _OUT_OF_RESOURCES:
                    raise
                logger.error("Cannot accept connections (%s): pausing for a second", exc)
                self._stop_reading()
                self._loop.call_later(_PAUSE_WHEN_EXHAUSTED_S, self._resume_accepting)
                return
            connection.setblocking(False)
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            task = self._loop.create_task(self._hand_over(connection))
            self._connecting.add(task)
            task.add_done_callback(self._connecting.discard)

    def _resume_accepting(self) -> None:
        if self._serving:
            for listener in self._listeners:
                self._loop.add_reader(listener.fileno(), self._accept_waiting, listener)

    async def _hand_over(self, connection: socket.socket) -> None:
        """Give an accepted connection to uvloop, served by a new protocol."""
        try:
            await self._loop.connect_accepted_socket(self._protocol_factory, connection)
        except OSError as exc:
            # The client reset it before the hand-over: nothing to serve.
            logger.debug("Dropped a connection closed while being accepted: %s", exc)
            connection.close()


def _bound_sockets(host: str | None, infos: list[Any]) -> list[socket.socket]:
    """A bound socket per address `host` resolves to (as asyncio's `create_server` binds)."""
    bound: list[socket.socket] = []
    seen: set[tuple[int, Any]] = set()
    try:
        for family, kind, proto, _name, address in infos:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            listener = socket.socket(family, kind, proto)
            bound.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                # An IPv6 socket serves IPv6 only: the IPv4 address has its own socket.
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                listener.bind(address)
            except OSError as exc:
                raise OSError(
                    exc.errno, f"error while attempting to bind on address {address!r}: {exc}"
                ) from None
    except BaseException:
        for listener in bound:
            listener.close()
        raise
    if not bound:
        raise OSError(f"getaddrinfo({host!r}) returned no address")
    return bound


class AcceptAllLoop(uvloop.Loop):
    """uvloop whose TCP servers accept every waiting connection per readiness.

    The class is the loop factory uvicorn's `loop` setting takes
    (`loop="server.event_loop:AcceptAllLoop"`).
    """

    async def create_server(  # type: ignore[override]
        self,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        host: str | None = None,
        port: int | None = None,
        *,
        family: int = socket.AF_UNSPEC,
        flags: int = socket.AI_PASSIVE,
        sock: socket.socket | None = None,
        backlog: int = 100,
        ssl: Any = None,
        start_serving: bool = True,
        **options: Any,
    ) -> Any:
        """A server as `loop.create_server` makes, accepting all waiting connections."""
        if ssl is not None or options.get("reuse_port") or (sock is None and port is None):
            uvloop_create_server: Any = super().create_server  # typed as overloads
            return await uvloop_create_server(
                protocol_factory,
                host,
                port,
                family=family,
                flags=flags,
                sock=sock,
                backlog=backlog,
                ssl=ssl,
                start_serving=start_serving,
                **options,
            )
        if sock is not None:
            listeners = [sock]
        else:
            infos = await self.getaddrinfo(
                host, port, family=family, type=socket.SOCK_STREAM, flags=flags
            )
            listeners = _bound_sockets(host, infos)
        server = AcceptingServer(self, protocol_factory, listeners, backlog)
        if start_serving:
            server.start_serving()
        return server
