"""Work an app runs beside its requests for its whole life: sweeps, refreshes, catch-ups."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine, Mapping
from contextlib import asynccontextmanager, suppress
from typing import Any


@asynccontextmanager
async def in_background(jobs: Mapping[str, Coroutine[Any, Any, None]]) -> AsyncIterator[None]:
    """Run each job (task name → coroutine) while the block runs; cancel and await them after.

    A job's own failure is its business: it logs and retries, so one job never stops the app.
    """
    tasks = [asyncio.create_task(job, name=name) for name, job in jobs.items()]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
