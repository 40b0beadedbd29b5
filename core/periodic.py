"""Periodic jobs that run in one process per period, however many workers serve the app.

`kuaiqu run --workers N` starts N copies of the app, each with its own lifespan; without a
claim every copy would run the order sweeps every minute, N times the same reads and N
contenders for the same rows. With Redis (required for several workers) a run is claimed
with `SET key NX EX period`: the first process to ask runs it, the others skip this
period, and when the claimant dies the claim lapses so another takes over next period.
Without Redis there is one process, which always runs.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from core.background import in_background
from core.settings import get_settings

log = logging.getLogger(__name__)

_KEY = "kuaiqu:periodic:{name}"


class PeriodClaim:
    """Claims one period of a named job for this process."""

    def __init__(self, redis_url: str) -> None:
        self._redis: Any = None
        if redis_url:
            from redis.asyncio import Redis

            self._redis = Redis.from_url(redis_url)

    async def claim(self, name: str, period_s: float) -> bool:
        """Whether this process runs `name` in the period starting now."""
        if self._redis is None:
            return True
        # A claim lapses a little before the period ends, so the next period is free.
        seconds = max(1, int(period_s) - 1)
        claimed = await self._redis.set(
            _KEY.format(name=name), str(os.getpid()), nx=True, ex=seconds
        )
        return bool(claimed)

    async def close(self) -> None:
        """Close the connection to Redis, if any."""
        if self._redis is not None:
            await self._redis.aclose()


async def run_periodically(
    name: str, interval_s: float, job: Callable[[], Awaitable[object]]
) -> None:
    """Run `job` every `interval_s` seconds until cancelled, in one process per period.

    The first run is one interval after the start. A failed run is logged and the next
    period tries again: a job never stops the app.
    """
    claims = PeriodClaim(get_settings().redis_url)
    try:
        while True:
            await asyncio.sleep(interval_s)
            try:
                if await claims.claim(name, interval_s):
                    await job()
            except Exception:
                log.exception("Periodic job %s failed; retrying in %s s", name, interval_s)
    finally:
        await claims.close()


def periodic_lifespan(
    name: str, interval_s: float, job: Callable[[], Awaitable[object]]
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """An app lifespan that runs `job` periodically (`run_periodically`) while the app serves.

    Nothing runs when periodic work is off (`KUAIQU_DISABLE_SWEEPS=1`, e.g. for benchmarks;
    tests call the jobs themselves).
    """

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        if not get_settings().sweeps_enabled:
            yield
            return
        async with in_background({f"kuaiqu-{name}": run_periodically(name, interval_s, job)}):
            yield

    return lifespan
