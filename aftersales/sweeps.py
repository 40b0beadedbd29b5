"""The after-sales sweep: requests unanswered past their deadline go to the operator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from aftersales.requests import escalate_unanswered
from core.background import in_background
from core.periodic import run_periodically
from core.settings import get_settings

#: Seconds between two runs.
SWEEP_INTERVAL_S = 60


async def sweep_forever(interval_s: float = SWEEP_INTERVAL_S) -> None:
    """Escalate unanswered requests every `interval_s` seconds (one worker per period)."""
    await run_periodically(
        "aftersales-sweeps", interval_s, lambda: escalate_unanswered(datetime.now().astimezone())
    )


@asynccontextmanager
async def aftersales_lifespan(app: Any) -> AsyncIterator[None]:
    """Run the sweep while the app runs (off with KUAIQU_DISABLE_SWEEPS=1)."""
    if not get_settings().sweeps_enabled:
        yield
        return
    async with in_background({"kuaiqu-aftersales-sweeps": sweep_forever()}):
        yield
