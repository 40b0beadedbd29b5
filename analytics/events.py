"""Shopper events, recorded without slowing the page: queued in memory, written in batches.

`record()` only appends to this process's queue. `flush()` writes the queue in multi-row
INSERTs of `CHUNK` rows, letting other requests run between two of them (on SQLite a
statement runs on the event loop's thread, so one INSERT of thousands of rows would stall
every request for tens of milliseconds); `flush_forever()` (run by the app's lifespan)
flushes every second, or at once when `BATCH_SIZE` events are waiting, and a last time when
the app stops. An event can be lost only if the process dies between two flushes: analytics
counts, it does not account.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from contextlib import suppress
from datetime import UTC, datetime
from enum import StrEnum

from analytics.tables import ShopperEvent
from core.row_insert import insert_rows

log = logging.getLogger(__name__)

#: Flush when this many events are waiting, even before the second is up.
BATCH_SIZE = 200
#: Rows per INSERT; requests run between two of them.
CHUNK = 100
#: Seconds between two flushes.
FLUSH_SECONDS = 1.0
#: A queue longer than this drops the oldest events (the database is down or very slow).
MAX_QUEUE = 100_000


class EventKind(StrEnum):
    """What a shopper did."""

    VIEW = "view"
    SEARCH = "search"
    CART_ADD = "cart_add"
    REC_IMPRESSION = "rec_impression"
    REC_CLICK = "rec_click"


_queue: deque[dict[str, object]] = deque(maxlen=MAX_QUEUE)
#: Set when a batch is full; made by the running `flush_forever` on its own loop.
_full: asyncio.Event | None = None


def record(
    kind: EventKind,
    *,
    user_id: int | None = None,
    visitor: str = "",
    product_id: int | None = None,
    detail: str = "",
) -> None:
    """Queue one event (no I/O: the page does not wait for the database)."""
    _queue.append(
        {
            "kind": kind.value,
            "user_id": user_id,
            "visitor": visitor[:64],
            "product_id": product_id,
            "detail": detail[:200],
            "created_at": datetime.now(UTC),
        }
    )
    if _full is not None and len(_queue) >= BATCH_SIZE:
        _full.set()


def pending() -> int:
    """How many events wait to be written."""
    return len(_queue)


async def flush() -> int:
    """Write every queued event (INSERTs of `CHUNK` rows); returns how many were written."""
    written = 0
    while _queue:
        batch = [_queue.popleft() for _ in range(min(len(_queue), CHUNK))]
        try:
            await insert_rows(ShopperEvent, batch, ids_only=True)
        except Exception:
            # Put them back for the next try; the page that recorded them is long gone.
            _queue.extendleft(reversed(batch))
            raise
        written += len(batch)
        await asyncio.sleep(0)  # let waiting requests run between two INSERTs
    return written


async def flush_forever() -> None:
    """Flush every `FLUSH_SECONDS`, or sooner when a batch is full; flush once more on stop."""
    global _full
    full = _full = asyncio.Event()
    try:
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(full.wait(), FLUSH_SECONDS)
            full.clear()
            try:
                await flush()
            except Exception:  # a failed write must not end the loop; retried next time
                log.exception("Writing shopper events failed; kept for the next try")
    finally:
        _full = None
        with suppress(Exception):
            await flush()


def discard() -> None:
    """Drop queued events (tests start from an empty queue)."""
    _queue.clear()
