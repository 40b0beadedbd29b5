"""Limits wrong pickup codes per staff account and store, so short codes cannot be guessed.

Counts live in a Litestar store (memory for one process, Redis for several), keyed by
staff and store, and expire with the window: five wrong codes lock that person out of
that store's code entry for the rest of the window.
"""

from __future__ import annotations

import math

from litestar.stores.base import Store

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
        value = await self.store.get(self._key(staff_id, location_id))
        return int(value) if value else 0

    async def check(self, staff_id: int, location_id: int) -> None:
        """Refuse further attempts once the limit is reached, saying how long to wait."""
        if await self.failures(staff_id, location_id) < self.limit:
            return
        remaining = await self.store.expires_in(self._key(staff_id, location_id))
        minutes = max(1, math.ceil((remaining or self.window_s) / 60))
        raise TooManyAttempts(
            "Too many wrong codes; wait {minutes} minutes before trying again", minutes=minutes
        )

    async def record_failure(self, staff_id: int, location_id: int) -> int:
        """Count one wrong code; returns the failures so far in the window."""
        key = self._key(staff_id, location_id)
        count = await self.failures(staff_id, location_id) + 1
        remaining = await self.store.expires_in(key) if count > 1 else None
        await self.store.set(key, str(count), expires_in=remaining or self.window_s)
        return count
