"""One read for the requests asking the same thing at the same moment (a "single flight").

A busy page is asked for by many requests at once; when each of them reads or renders the
same answer, the loop and the database do the work many times and the requests queue for
pooled connections. `SharedReads.read(key, load)` starts `load()` for the first request to
ask and gives every request that asks for `key` while it runs the same answer (or the same
error). Nothing is kept once it ends: a request asking afterwards reads again.

Use it for reads a request may take from another one started a moment earlier, and never
inside a write transaction (the read runs outside it, as a task of its own).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class SharedReads:
    """The reads in flight, by key (and event loop: tests run several)."""

    def __init__(self) -> None:
        self._in_flight: dict[tuple[asyncio.AbstractEventLoop, Hashable], asyncio.Future[Any]] = {}

    async def read(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """`load()`'s answer, shared with every request asking for `key` meanwhile."""
        flight = (asyncio.get_running_loop(), key)
        running = self._in_flight.get(flight)
        if running is None:
            running = asyncio.ensure_future(load())
            self._in_flight[flight] = running
            running.add_done_callback(lambda done: self._landed(flight, done))
        # Shielded: one request hanging up must not cancel the read the others wait for.
        return await asyncio.shield(running)

    def _landed(self, flight: tuple[asyncio.AbstractEventLoop, Hashable], done: Any) -> None:
        self._in_flight.pop(flight, None)
        if not done.cancelled():
            done.exception()  # retrieved here: every waiter has raised it already
