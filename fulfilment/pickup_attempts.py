"""Limits wrong pickup codes per staff account and store, so short codes cannot be guessed.

Counts live in a Litestar store (memory for one process, Redis for several), keyed by
staff and store, and expire with the window: five wrong codes lock that person out of
that store's code entry for the rest of the window.

Each typed code takes its place in the count atomically *before* it is looked up
(`core.counters.add`), so codes sent in parallel cannot all read the same old count: at
most `limit` are ever evaluated. A code that matches gives its place back.
"""

from __future__ import annotations

import math

from litestar.stores.base import Store

from core.counters import add, current
from core.errors import TooManyAttempts

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class PickupAttemptLimiter:
    """Counts failed pickup-code attempts per (staff, store) within a window."""

    def __init__(
        self, store: Store, *, limit: int = MAX_FAILURES, window_s: int = WINDOW_SECONDS
    ) -> None:
        self.store = store
        self.limit = limit
        self.window_s = window_s

    @staticmethod
    def _key(staff_id: int, location_id: int) -> str:
        return f"pickup-failures:{location_id}:{staff_id}"

    async def failures(self, staff_id: int, location_id: int) -> int:
        """Wrong codes entered by this person at this store in the current window."""
        return (await current(self.store, self._key(staff_id, location_id))).value

    async def check(self, staff_id: int, location_id: int) -> None:
        """Take a place for one code before it is looked up.

        Once the limit is reached answer 429 saying how long to wait (the refused attempt
        takes no place).
        """
        key = self._key(staff_id, location_id)
        count = await add(self.store, key, 1, self.window_s)
        if count.value <= self.limit:
            return
        await add(self.store, key, -1, self.window_s)
        minutes = max(1, math.ceil((count.expires_in or self.window_s) / 60))
        raise TooManyAttempts(
            "Too many wrong codes; wait {minutes} minutes before trying again", minutes=minutes
        )

    async def record_failure(self, staff_id: int, location_id: int) -> int:
        """The code was wrong: its place stays taken; returns the failures so far."""
        return await self.failures(staff_id, location_id)

    async def release(self, staff_id: int, location_id: int) -> None:
        """The code matched a pickup: give its place back."""
        await add(self.store, self._key(staff_id, location_id), -1, self.window_s)
